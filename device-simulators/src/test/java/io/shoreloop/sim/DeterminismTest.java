package io.shoreloop.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {

    @TempDir
    Path tmp;

    private int portDay(Path out, String seed) {
        var cl = SimulatorCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute("port-day", "--dry-run", "--all-faults", "--seed", seed, "--start", "2026-11-24T00:00:00Z",
                "--duration", "24h", "--out", out.toString());
    }

    @Test
    void sameSeedGivesTheSameMessagesAndTheSameGroundTruth() throws Exception {
        assertEquals(0, portDay(tmp.resolve("a"), "42"));
        assertEquals(0, portDay(tmp.resolve("b"), "42"));
        byte[] ma = Files.readAllBytes(tmp.resolve("a/messages.jsonl"));
        byte[] mb = Files.readAllBytes(tmp.resolve("b/messages.jsonl"));
        assertTrue(ma.length > 1_000_000, "a day of four meters is thousands of messages");
        assertArrayEquals(ma, mb);
        assertArrayEquals(
                Files.readAllBytes(tmp.resolve("a/ground-truth.json")),
                Files.readAllBytes(tmp.resolve("b/ground-truth.json")));
    }

    @Test
    void anotherSeedGivesAnotherDay() throws Exception {
        assertEquals(0, portDay(tmp.resolve("a"), "1"));
        assertEquals(0, portDay(tmp.resolve("b"), "2"));
        assertFalse(Arrays.equals(
                Files.readAllBytes(tmp.resolve("a/ground-truth.json")),
                Files.readAllBytes(tmp.resolve("b/ground-truth.json"))));
    }

    @Test
    void theSimulationItselfIsAPureFunctionOfItsConfiguration() {
        var a = Days.run(7, java.time.Duration.ofHours(12), Faults.all());
        var b = Days.run(7, java.time.Duration.ofHours(12), Faults.all());
        assertEquals(a.actions(), b.actions());
        assertEquals(a.groundTruth(), b.groundTruth());
    }
}
