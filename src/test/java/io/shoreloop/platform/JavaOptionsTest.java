package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.testing.PackagedApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM options Shoreloop is shipped with have one source, {@code src/main/bin/java-options}: the shell's reading of
 * it (run-demo.sh, the image, the benchmarks) and the tests' (PackagedApp) give the same options, and no launcher
 * writes them out again beside it, where they would drift from it.
 */
class JavaOptionsTest {

    private static final Path OPTIONS = Path.of("src/main/bin/java-options");

    @Test
    void theShellAndTheTestsReadTheSameOptions() throws Exception {
        List<String> java = PackagedApp.javaOptions(OPTIONS);
        assertFalse(java.isEmpty(), "options in " + OPTIONS);
        java.forEach(o -> assertTrue(o.startsWith("-"), "a JVM option: " + o));

        Process bash = new ProcessBuilder("bash", "-c", ". src/main/bin/java-options.sh && shoreloop_java_options")
                .redirectErrorStream(true)
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "shoreloop_java_options returns");
        assertEquals(0, bash.exitValue(), out);
        assertEquals(java, Arrays.asList(out.strip().split(" ")), "one line, the same options in the same order");
    }

    @Test
    void readingKeepsOptionsAndDropsComments(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("java-options");
        Files.writeString(file, "# a comment -XX:+Nothing\n\n  -Xa   -Xb # why\n\t-Xc\n#-Xd\n");
        assertEquals(List.of("-Xa", "-Xb", "-Xc"), PackagedApp.javaOptions(file));
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("src/main/bin/java-options.sh"), dir.resolve("bin/java-options.sh"));
        Files.copy(file, dir.resolve("bin/java-options"));
        Process bash = new ProcessBuilder(
                        "bash",
                        "-c",
                        ". \"$0\" && shoreloop_java_options",
                        dir.resolve("bin/java-options.sh").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals("-Xa -Xb -Xc", out.strip(), "the script reads the file beside it, wherever it is called from");
    }

    @Test
    void noLauncherWritesTheOptionsOutAgain() throws IOException {
        List<String> options = PackagedApp.javaOptions(OPTIONS);
        List<Path> launchers = List.of(
                Path.of("run-demo.sh"),
                Path.of("src/main/docker/Dockerfile.jvm"),
                Path.of("bench/lib/shoreloop-java-opts.sh"),
                Path.of("src/test/java/io/shoreloop/testing/PackagedApp.java"));
        List<String> repeated = new ArrayList<>();
        for (Path launcher : launchers) {
            String text = Files.readString(launcher);
            for (String option : options) {
                if (text.contains(option)) {
                    repeated.add(launcher + ": " + option);
                }
            }
        }
        assertEquals(List.of(), repeated, "options written beside " + OPTIONS);
    }
}
