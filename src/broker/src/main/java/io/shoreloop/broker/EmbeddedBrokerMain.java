package io.shoreloop.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs HiveMQ CE as Shoreloop's embedded MQTT broker, in a JVM of its own started by the Shoreloop launcher.
 *
 * <p>Arguments: {@code <home> <bind-address> <port>}. Environment: {@code SHORELOOP_BROKER_USERNAME} and
 * {@code SHORELOOP_BROKER_PASSWORD}, when set, are the only credentials accepted; when unset any client on the
 * bind address may connect (the launcher binds to loopback). Prints {@code SHORELOOP-BROKER-READY <port>} on
 * standard output once the listener is up (or {@code SHORELOOP-BROKER-FAILED <reason>} and exits 1 when the broker
 * cannot start), and stops the broker when standard input closes, so that the broker never outlives the process that
 * started it (even one killed with SIGKILL).
 */
public final class EmbeddedBrokerMain {

    private EmbeddedBrokerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedBrokerMain <home> <bind-address> <port>");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        String bind = args[1];
        int port = Integer.parseInt(args[2]);
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path data = Files.createDirectories(home.resolve("data"));
        Path extensions = Files.createDirectories(home.resolve("extensions"));
        Files.createDirectories(home.resolve("log"));
        System.setProperty("hivemq.log.folder", home.resolve("log").toString());
        Files.writeString(conf.resolve("config.xml"), config(bind, port), StandardCharsets.UTF_8);
        if (!Files.exists(conf.resolve("logback.xml"))) {
            Files.writeString(conf.resolve("logback.xml"), LOGBACK, StandardCharsets.UTF_8);
        }

        // HiveMQ CE sends a client at most 50 unacknowledged QoS 1 messages whatever its receive maximum (an internal
        // constant, not in config.xml): with Shoreloop acknowledging a batch after its commit, that bounded the
        // embedded defaults' ingestion to ~1,500 readings/s, below what the simulator publishes to it. Two writers'
        // batches of 2,000 messages may be in flight, below Shoreloop's bound of 10,000 pending messages.
        com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = 4000;
        String user = System.getenv("SHORELOOP_BROKER_USERNAME");
        String password = System.getenv("SHORELOOP_BROKER_PASSWORD");
        EmbeddedExtension auth = EmbeddedExtension.builder()
                .withId("shoreloop-auth")
                .withName("Shoreloop embedded authentication")
                .withVersion("1")
                .withAuthor("Shoreloop")
                .withPriority(1000)
                .withStartPriority(1000)
                .withExtensionMain(new AuthExtension(user, password))
                .build();
        EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withEmbeddedExtension(auth)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(broker), "broker-shutdown"));
        try {
            broker.start().join();
        } catch (RuntimeException e) {
            // e.g. the port was taken meanwhile ("Could not bind any listener"). HiveMQ's non-daemon threads would
            // keep this JVM alive without a broker: say why and exit, so that the launcher can react at once.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.out.println("SHORELOOP-BROKER-FAILED " + cause);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.println("SHORELOOP-BROKER-READY " + port);
        System.out.flush();

        // Parent-death detection: the launcher keeps our stdin open; EOF means it is gone.
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the launcher never writes; anything read is ignored
            }
        } catch (IOException ignored) {
            // stdin broken: parent gone
        }
        stop(broker);
        System.exit(0);
    }

    private static synchronized void stop(EmbeddedHiveMQ broker) {
        try {
            broker.stop().join();
        } catch (RuntimeException e) {
            // already stopping or stopped
        }
    }

    private static String config(String bind, int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                    </tcp-listener>
                  </listeners>
                  <mqtt>
                    <queued-messages>
                      <max-queue-size>1000000</max-queue-size>
                      <strategy>discard</strategy>
                    </queued-messages>
                    <session-expiry>
                      <max-interval>4294967295</max-interval>
                    </session-expiry>
                  </mqtt>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """
                .formatted(port, bind);
    }

    private static final String LOGBACK =
            """
            <configuration>
              <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} broker %-5level %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="CONSOLE"/></root>
              <logger name="com.hivemq" level="INFO"/>
              <logger name="oshi" level="ERROR"/>
            </configuration>
            """;

    /** Accepts the configured credentials only, or any client when none are configured. */
    static final class AuthExtension implements ExtensionMain {
        private final String user;
        private final String password;

        AuthExtension(String user, String password) {
            this.user = blankToNull(user);
            this.password = blankToNull(password);
        }

        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> (SimpleAuthenticator)
                    (authInput, authOutput) -> {
                        if (user == null) {
                            authOutput.authenticateSuccessfully();
                            return;
                        }
                        Optional<String> givenUser =
                                authInput.getConnectPacket().getUserName();
                        Optional<ByteBuffer> givenPassword =
                                authInput.getConnectPacket().getPassword();
                        String pw = givenPassword
                                .map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString())
                                .orElse(null);
                        if (givenUser.filter(user::equals).isPresent() && password != null && password.equals(pw)) {
                            authOutput.authenticateSuccessfully();
                        } else {
                            authOutput.failAuthentication();
                        }
                    });
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
