package io.shoreloop.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar shoreloop-device-simulators.jar}: the berth-meter fleet, port-day and load simulators. */
@Command(
        name = "shoreloop-sim",
        mixinStandardHelpOptions = true,
        version = "shoreloop-device-simulators 0.1.0",
        description = {
            "Berth-meter simulators speaking Shoreloop's MQTT contract:",
            "  shorepower/v1/{port}/{berth}/{meter}/reading  (QoS 1; one reading or a JSON array of readings)",
            "  shorepower/v1/{port}/{berth}/{meter}/status   (QoS 1, retained; last will {\"online\":false})"
        },
        footer = {
            "",
            "Each command documents all its options: port-day --help, load --help."
        },
        subcommands = {PortDayCommand.class, LoadCommand.class, CommandLine.HelpCommand.class})
public final class SimulatorCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SimulatorCli());
        cl.registerConverter(Duration.class, SimulatorCli::duration);
        cl.registerConverter(Instant.class, SimulatorCli::instant);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code 24h}, {@code 90m}, {@code 30s}, {@code 2d} or ISO-8601 {@code PT24H}. */
    static Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new IllegalArgumentException("duration: use 24h, 90m, 30s, 2d or PT24H");
        };
    }

    /** Options to reach the MQTT broker. */
    static final class BrokerOptions {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "MQTT broker host (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "1883", description = "MQTT broker port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--username", description = "MQTT user name.")
        String username;

        @Option(names = "--password", description = "MQTT password.")
        String password;

        @Option(names = "--tls", description = "Connect with TLS (the JVM's default trust store).")
        boolean tls;

        @Option(
                names = "--client-prefix",
                defaultValue = "sim-",
                description = "Prefix of the MQTT client identifiers (default: ${DEFAULT-VALUE}).")
        String clientPrefix;

        MqttOptions toOptions() {
            return new MqttOptions(host, port, username, password, tls, clientPrefix);
        }
    }

    /** Which meters (and vessels) to simulate. */
    static final class FleetOptions {
        @Option(
                names = "--port-code",
                description = "Port code for --meters given as CODE:BERTH; with --api-url or the built-in demo"
                        + " meters, simulate only this port's meters; in load mode without --meters or --api-url,"
                        + " the port of the generated meters (default there: LOAD).")
        String portCode;

        @Option(
                names = "--meters",
                split = ",",
                paramLabel = "CODE:BERTH",
                description = "Meters as CODE:BERTH (port from --port-code) or CODE:PORT/BERTH, comma-separated."
                        + " With --api-url: meter codes to keep from the discovered ones. Default: the meters of"
                        + " Shoreloop's demo port (CQ-GY-B01-M1, CQ-GY-B02-M1, CQ-CTM-B03-M1, CQ-CTM-B04-M1), or"
                        + " all meters of /api/v1/meters with --api-url.")
        List<String> meters;

        @Option(
                names = "--api-url",
                description = "Shoreloop's base URL (e.g. http://localhost:8080): discover meters, berths, vessels"
                        + " and existing calls from its API, and register the simulated calls there.")
        String apiUrl;

        @Option(names = "--token", description = "Bearer token for the API (default: the demo user's from /api/v1/demo/tokens).")
        String token;

        @Option(
                names = "--token-subject",
                defaultValue = "demo-admin",
                description = "Demo user whose token to fetch from /api/v1/demo/tokens when --token is not given"
                        + " (default: ${DEFAULT-VALUE}; a port's berth operator, e.g. demo-operator-guoyuan, works for"
                        + " that port).")
        String tokenSubject;

        ShoreloopApi api() throws Exception {
            if (apiUrl == null) {
                return null;
            }
            ShoreloopApi api = new ShoreloopApi(apiUrl, token);
            if (token == null) {
                api.useDemoToken(tokenSubject);
            }
            return api;
        }

        /** The topology: from the API, from --meters, or the built-in demo port. */
        Topology topology(ShoreloopApi api, Instant from, Instant to) throws Exception {
            if (api != null) {
                Topology t = api.topology(portCode, from, to);
                if (meters != null && !meters.isEmpty()) {
                    List<String> codes = new ArrayList<>();
                    for (String m : meters) {
                        codes.add(m.split(":", 2)[0].trim());
                    }
                    List<Topology.MeterSpec> kept = t.meters().stream()
                            .filter(m -> codes.contains(m.code()))
                            .toList();
                    t = new Topology(kept, t.vessels(), t.busy());
                }
                if (t.meters().isEmpty()) {
                    throw new IllegalArgumentException("no meters found at " + apiUrl + " for these options");
                }
                return t;
            }
            if (meters != null && !meters.isEmpty()) {
                return new Topology(Topology.parseMeters(meters, portCode), Topology.demoVessels(), List.of());
            }
            List<Topology.MeterSpec> demo = Topology.demoMeters().stream()
                    .filter(m -> portCode == null || portCode.equals(m.port()))
                    .toList();
            if (demo.isEmpty()) {
                throw new IllegalArgumentException("no demo meter at port " + portCode + "; give --meters");
            }
            return new Topology(demo, Topology.demoVessels(), List.of());
        }
    }

    /** An ISO-8601 instant, or {@code now} (the current second). */
    static Instant instant(String s) {
        return s.equalsIgnoreCase("now") ? Instant.now().truncatedTo(ChronoUnit.SECONDS) : Instant.parse(s);
    }

    /** Speed: "max" (as fast as possible) or a time compression factor (simulated seconds per real second). */
    static double speed(String s) {
        if (s.equalsIgnoreCase("max")) {
            return 0;
        }
        double v = Double.parseDouble(s);
        if (v <= 0) {
            throw new IllegalArgumentException("--speed: 'max' or a positive factor");
        }
        return v;
    }

    /** The default start: a whole minute, so that the run ends (about) now and no timestamp is in the future. */
    static Instant defaultStart(Duration duration) {
        return Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(duration);
    }
}
