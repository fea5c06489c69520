package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.testing.PackagedApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The start-up archive of {@code src/main/bin/startup-archive.sh} (which {@code run-demo.sh} uses) on the packaged
 * application, with the JDK running the tests and with every JDK 25+ found beside it ({@code SHORELOOP_TEST_JDKS}, a
 * list of JDK homes separated by {@code :}, else {@code /usr/lib/jvm/*}), whose archive is an AOT cache: the first
 * call trains it (one start and stop on the embedded
 * infrastructure), the next calls find it and train nothing, and the application starts with it while the JVM is told
 * to refuse to start if it cannot map it ({@code -Xshare:on}, or {@code -XX:AOTMode=on} on JDK 25+): proof that the
 * archive is one this JDK uses for this class path, not only a file. Also: a failed training leaves no options and no
 * file, and the {@code use} and {@code off} modes never train.
 */
class StartupArchiveIT {

    private static final String PREFIX = "[startup-archive-it]";

    private static Path appDir;
    private static Path script;
    private static Path tempDir;
    private static final List<Process> launched = new ArrayList<>();

    @BeforeAll
    static void locate() throws IOException {
        appDir = PackagedApp.appDir();
        script = appDir.resolve("../../src/main/bin/startup-archive.sh").normalize();
        assertTrue(Files.isRegularFile(script), "the script is at " + script);
        tempDir = Files.createTempDirectory("shoreloop-archive-it-").toRealPath();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PackagedApp.cleanUp(launched, tempDir, PREFIX);
    }

    /** The JDK running the tests, then every JDK 25+ found beside it (another kind of archive). */
    static Stream<Path> javaHomes() throws IOException {
        Path own = Path.of(System.getProperty("java.home")).toRealPath();
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("SHORELOOP_TEST_JDKS");
        if (configured != null && !configured.isBlank()) {
            Arrays.stream(configured.split(":")).map(Path::of).forEach(candidates::add);
        } else if (Files.isDirectory(Path.of("/usr/lib/jvm"))) {
            try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
                s.sorted().forEach(candidates::add);
            }
        }
        List<Path> homes = new ArrayList<>(List.of(own));
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("bin/java")) && featureVersion(c) >= 25) {
                Path real = c.toRealPath();
                if (!homes.contains(real)) {
                    homes.add(real);
                }
            }
        }
        return homes.stream();
    }

    /** The feature version in a JDK's {@code release} file (0 when it has none). */
    private static int featureVersion(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                String major = v.startsWith("1.") ? v.substring(2) : v;
                return Integer.parseInt(major.split("[^0-9]", 2)[0]);
            }
        }
        return 0;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaHomes")
    void trainedOnceThenMappedByTheJvm(Path javaHome) throws Exception {
        String java = javaHome.resolve("bin/java").toString();
        int released = featureVersion(javaHome);
        int feature = released > 0 ? released : Runtime.version().feature();
        Path archives = tempDir.resolve("archives-" + feature + "-" + Math.abs(javaHome.hashCode()));
        Result first = archiveOptions(javaHome, appDir, archives, "on");
        System.out.println(PREFIX + " first call: " + first);
        List<String> options = first.options();
        assertEquals(2, options.size(), "the archive and the silenced logging: " + first);
        Path file = archiveOf(options.get(0));
        boolean aot = feature >= 25;
        assertTrue(
                options.get(0).startsWith(aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile="),
                "the option this JDK reads: " + options);
        assertEquals(archives.resolve(file.getFileName()), file, "the archive is in the directory asked for");
        assertTrue(Files.size(file) > 10_000_000, "the archive holds the start's classes: " + Files.size(file));
        assertTrue(first.stderr().contains("start-up archive trained"), first.stderr());
        assertEquals(List.of(file), files(archives), "nothing else left in the directory (no .part)");

        FileTime trainedAt = Files.getLastModifiedTime(file);
        Result second = archiveOptions(javaHome, appDir, archives, "on");
        assertEquals(options, second.options(), "the same archive");
        assertFalse(second.stderr().contains("training"), "the second call trains nothing: " + second.stderr());
        assertEquals(trainedAt, Files.getLastModifiedTime(file), "the archive is not rewritten");

        // the JVM refuses to start when told to map an archive it cannot use: ready proves it used this one
        List<String> jvm = new ArrayList<>(options);
        jvm.add(aot ? "-XX:AOTMode=on" : "-Xshare:on");
        Path classes = archives.resolve("classes.log");
        jvm.add("-Xlog:class+load=info:file=" + classes);
        int port = PackagedApp.freePort();
        Path log = archives.resolve("app.log");
        Process app = PackagedApp.launch(
                java,
                appDir,
                tempDir,
                log,
                port,
                Map.of(
                        "SHORELOOP_DATA_DIR",
                        archives.resolve("data").toString(),
                        "SHORELOOP_DEMO",
                        "true",
                        "SHORELOOP_INFRA",
                        "embedded"),
                jvm);
        launched.add(app);
        try {
            PackagedApp.awaitReady(app, port, Duration.ofSeconds(180));
        } catch (AssertionError e) {
            System.out.println(PackagedApp.tail(log, 60));
            throw e;
        }
        assertEquals(200, PackagedApp.get(port, "/q/openapi", null).statusCode(), "the API answers");
        // the application's classes came from the archive, not only the JDK's
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
        long shared =
                loaded.stream().filter(l -> l.contains("shared objects file")).count();
        System.out.println(PREFIX + " " + shared + " of " + loaded.size() + " classes loaded from the archive");
        for (String name :
                List.of("io.shoreloop.platform.ShoreloopMain", "org.hibernate.internal.SessionFactoryImpl")) {
            assertTrue(
                    loaded.stream().anyMatch(l -> l.contains(" " + name + " ") && l.contains("shared objects file")),
                    name + " is loaded from the archive");
        }
        assertTrue(
                shared > loaded.size() / 2, "most classes come from the archive: " + shared + " of " + loaded.size());
        app.destroy();
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
    }

    @Test
    void aFailedTrainingLeavesNoOptionsAndNoFile() throws Exception {
        Path noApp = Files.createDirectories(tempDir.resolve("no-app"));
        Path archives = tempDir.resolve("failed");
        Result r = archiveOptions(ownJavaHome(), noApp, archives, "on");
        assertEquals(List.of(), r.options(), "no options: the application starts without an archive");
        assertTrue(r.stderr().contains("could not be trained"), r.stderr());
        assertEquals(List.of(), files(archives), "no archive, no .part");
    }

    @Test
    void useAndOffNeverTrain() throws Exception {
        Path archives = tempDir.resolve("untrained");
        for (String mode : List.of("use", "off")) {
            Result r = archiveOptions(ownJavaHome(), appDir, archives, mode);
            assertEquals(List.of(), r.options(), mode + ": no archive there, no options");
            assertFalse(r.stderr().contains("training"), mode + " trains nothing: " + r.stderr());
        }
        assertEquals(List.of(), files(archives));
    }

    private record Result(List<String> options, String stderr) {}

    private static Path ownJavaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** Sources the script and calls it as run-demo.sh does, with that JDK first on the PATH. */
    private static Result archiveOptions(Path javaHome, Path app, Path archives, String mode) throws Exception {
        Path out = Files.createTempFile(tempDir, "options", ".txt");
        Path err = Files.createTempFile(tempDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        "-c",
                        ". \"$0\" && shoreloop_startup_archive \"$1\" \"$2\" -XX:+UseSerialGC",
                        script.toString(),
                        app.toString(),
                        archives.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.put("PATH", javaHome.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.remove("JAVA_HOME");
        env.put("TMPDIR", tempDir.toString()); // the training's leftovers, if any, are named and cleaned up
        env.put("SHORELOOP_STARTUP_ARCHIVE", mode);
        Process p = builder.start();
        launched.add(p);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the script returns");
        assertEquals(0, p.exitValue(), "the script never fails a start");
        String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
        List<String> options = stdout.isEmpty() ? List.of() : Arrays.asList(stdout.split("\\s+"));
        return new Result(options, Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path archiveOf(String option) {
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
