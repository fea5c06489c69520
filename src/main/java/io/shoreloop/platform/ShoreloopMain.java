package io.shoreloop.platform;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.shoreloop.platform.infra.Infrastructure;
import java.util.Arrays;
import java.util.List;

/**
 * Launcher: brings the infrastructure up (external, Testcontainers or embedded; see {@link Infrastructure}) before
 * Quarkus creates the datasource, and takes it down after Quarkus has drained (broker, then database), on a normal
 * exit and on SIGTERM alike.
 *
 * <p>Options: {@code --wipe-data} (or {@code SHORELOOP_WIPE_DATA=true}) deletes the embedded data directory's
 * contents before starting.
 */
@QuarkusMain
public final class ShoreloopMain {

    private ShoreloopMain() {}

    public static void main(String... args) {
        List<String> arguments = Arrays.asList(args);
        boolean wipe = arguments.contains("--wipe-data")
                || Boolean.parseBoolean(System.getenv().getOrDefault("SHORELOOP_WIPE_DATA", "false"));
        Infrastructure infra;
        try {
            infra = Infrastructure.start(new Infrastructure.Settings(
                    io.shoreloop.platform.infra.DataDir.defaultLocation(),
                    wipe,
                    Infrastructure.Mode.fromEnvironment(),
                    true));
        } catch (RuntimeException e) {
            System.err.println("Shoreloop cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        infra.config().forEach(System::setProperty);
        System.setProperty("shoreloop.infra-summary", String.join("\n", infra.summary()));
        infra.summary().forEach(line -> System.out.println("[shoreloop] " + line));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAfterApplication(infra), "shoreloop-infra-stop"));
        Quarkus.run(args);
    }

    /** Waits (bounded) until Quarkus has stopped, so that in-flight transactions finish before the database goes. */
    private static void stopAfterApplication(Infrastructure infra) {
        Application app = Application.currentApplication();
        if (app != null) {
            Thread waiter = new Thread(app::awaitShutdown, "shoreloop-await-shutdown");
            waiter.setDaemon(true);
            waiter.start();
            try {
                waiter.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        infra.close();
    }
}
