package io.shoreloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliTest {

    @ParameterizedTest
    @ValueSource(strings = {"port-day", "load"})
    void helpDocumentsEveryOption(String command) {
        CommandLine cl = SimulatorCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute(command, "--help"));
        String help = out.toString();
        CommandLine sub = cl.getSubcommands().get(command);
        for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
            assertTrue(help.contains(o.longestName()), o.longestName() + " in --help");
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName() + " described");
        }
        for (String common : new String[] {"--host", "--port", "--username", "--password", "--tls", "--port-code",
                "--meters", "--api-url", "--token"}) {
            assertTrue(help.contains(common), common);
        }
    }

    @org.junit.jupiter.api.Test
    void topLevelHelpNamesEveryCommandAndPointsToTheirHelp() {
        CommandLine cl = SimulatorCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        String help = out.toString();
        for (String command : cl.getSubcommands().keySet()) {
            assertTrue(help.contains(command), command + " in --help");
        }
        assertTrue(help.contains("port-day --help") && help.contains("load --help"), help);
    }

    @org.junit.jupiter.api.Test
    void durations() {
        assertEquals(java.time.Duration.ofHours(24), SimulatorCli.duration("24h"));
        assertEquals(java.time.Duration.ofMinutes(90), SimulatorCli.duration("90m"));
        assertEquals(java.time.Duration.ofHours(6), SimulatorCli.duration("PT6H"));
    }
}
