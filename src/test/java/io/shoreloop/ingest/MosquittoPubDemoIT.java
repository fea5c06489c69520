package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The "done when" as a newcomer would do it: {@code device-simulators/mosquitto-pub-demo.sh --external} starts
 * Mosquitto and the packaged Shoreloop pointed at it, publishes the worked example with {@code mosquitto_pub} (a
 * duplicate, a register reset, a malformed message, a message naming another meter) and checks through the API the
 * session of exactly 1.850 kWh matched to the demo ship's call and the two dead letters. Runs when Mosquitto and its
 * clients are installed (the script itself installs them with apt-get; a test does not), skipped otherwise.
 */
class MosquittoPubDemoIT {

    @Test
    void aMeterHistoryPublishedWithMosquittoPubGivesTheExactSessionAndTwoDeadLetters() throws Exception {
        Assumptions.assumeTrue(
                onPath("mosquitto_pub") && (onPath("mosquitto") || Files.isExecutable(Path.of("/usr/sbin/mosquitto"))),
                "Mosquitto and mosquitto-clients are not installed (apt-get install mosquitto mosquitto-clients)");
        Path out = Files.createTempFile("mosquitto-pub-demo", ".log");
        try {
            Process p = new ProcessBuilder("bash", "device-simulators/mosquitto-pub-demo.sh", "--external")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            boolean done = p.waitFor(5, TimeUnit.MINUTES);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            String log = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(done, "the demo script finished within 5 minutes:\n" + log);
            assertEquals(0, p.exitValue(), log);
            assertTrue(
                    log.contains("OK: one CLOSED session of 1.850 kWh (flag RESET) matched to Yu Container 1's call"),
                    log);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean onPath(String command) throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        try (Stream<String> dirs = Stream.of(path.split(java.io.File.pathSeparator))) {
            return dirs.anyMatch(d -> !d.isBlank() && Files.isExecutable(Path.of(d, command)));
        }
    }
}
