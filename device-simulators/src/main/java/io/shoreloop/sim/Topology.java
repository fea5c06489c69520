package io.shoreloop.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The meters and vessels a simulation works with: built in (the demo port), given on the command line, or read from Shoreloop. */
public final class Topology {

    /** A berth meter and what the simulator needs to know about its berth. */
    public record MeterSpec(
            String code,
            String port,
            String berth,
            String berthId,
            long modulusWh,
            int intervalS,
            String terminalKind,
            int nominalVoltageV,
            int capacityKva) {

        public String readingTopic() {
            return "shorepower/v1/" + port + "/" + berth + "/" + code + "/reading";
        }

        public String statusTopic() {
            return "shorepower/v1/" + port + "/" + berth + "/" + code + "/status";
        }

        MeterSpec withInterval(int seconds) {
            return new MeterSpec(code, port, berth, berthId, modulusWh, seconds, terminalKind, nominalVoltageV, capacityKva);
        }
    }

    /** A ship that may call at the port. */
    public record VesselSpec(String id, String mmsi, String name, String type, boolean shorePower, int crewCapacity) {}

    /** A stay already registered in Shoreloop that the simulated schedule must not overlap. */
    public record Busy(String berthId, String vesselMmsi, java.time.Instant from, java.time.Instant to) {}

    private final List<MeterSpec> meters;
    private final List<VesselSpec> vessels;
    private final List<Busy> busy;

    public Topology(List<MeterSpec> meters, List<VesselSpec> vessels, List<Busy> busy) {
        List<MeterSpec> sorted = new ArrayList<>(meters);
        sorted.sort(Comparator.comparing(MeterSpec::code));
        this.meters = List.copyOf(sorted);
        List<VesselSpec> vs = new ArrayList<>(vessels);
        vs.sort(Comparator.comparing(VesselSpec::mmsi));
        this.vessels = List.copyOf(vs);
        this.busy = List.copyOf(busy);
    }

    public List<MeterSpec> meters() {
        return meters;
    }

    public List<VesselSpec> vessels() {
        return vessels;
    }

    public List<Busy> busy() {
        return busy;
    }

    /** The demo port of Shoreloop's demo data (see src/main/resources/demo/demo-data.sql), without ids. */
    public static Topology demo() {
        return new Topology(demoMeters(), demoVessels(), List.of());
    }

    public static List<MeterSpec> demoMeters() {
        return List.of(
                new MeterSpec("CQ-GY-B01-M1", "CQ-GY", "B01", null, 100_000_000_000L, 15, "CONTAINER", 400, 630),
                new MeterSpec("CQ-GY-B02-M1", "CQ-GY", "B02", null, 100_000_000_000L, 15, "RO_RO", 400, 800),
                new MeterSpec("CQ-CTM-B03-M1", "CQ-CTM", "B03", null, 1_000_000_000L, 15, "CRUISE", 6600, 3000),
                new MeterSpec("CQ-CTM-B04-M1", "CQ-CTM", "B04", null, 1_000_000_000L, 15, "PASSENGER", 6600, 1600));
    }

    public static List<VesselSpec> demoVessels() {
        return List.of(
                new VesselSpec(null, "413800001", "渝集装1 Yu Container 1 (demo)", "CONTAINER", true, 12),
                new VesselSpec(null, "413800002", "渝滚装8 Yu Roro 8 (demo)", "RO_RO", true, 15),
                new VesselSpec(null, "413800003", "长江壹号 Changjiang No.1 (demo)", "CRUISE", true, 180),
                new VesselSpec(null, "413800004", "渝货运168 Yu Cargo 168 (demo)", "CARGO", false, 6),
                new VesselSpec(null, "413800005", "长化9 Changhua 9 (demo)", "CHEMICAL_TANKER", false, 14));
    }

    /**
     * Meters given as {@code CODE:BERTH} (port from {@code portCode}) or {@code CODE:PORT/BERTH}. A demo meter code
     * keeps its demo berth profile; any other gets a low-voltage 630 kVA berth that takes any dry-cargo ship.
     */
    public static List<MeterSpec> parseMeters(List<String> specs, String portCode) {
        List<MeterSpec> out = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split(":", 2);
            String code = parts[0].trim();
            String port = portCode;
            String berth;
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException("meter '" + spec + "': expected CODE:BERTH or CODE:PORT/BERTH");
            }
            if (parts[1].contains("/")) {
                port = parts[1].substring(0, parts[1].indexOf('/'));
                berth = parts[1].substring(parts[1].indexOf('/') + 1);
            } else {
                berth = parts[1];
            }
            if (port == null || port.isBlank()) {
                throw new IllegalArgumentException("meter '" + spec + "': give --port-code or CODE:PORT/BERTH");
            }
            checkCode(code);
            checkCode(port);
            checkCode(berth);
            MeterSpec demo = demoMeters().stream()
                    .filter(m -> m.code().equals(code))
                    .findFirst()
                    .orElse(null);
            if (demo != null) {
                out.add(new MeterSpec(code, port, berth, null, demo.modulusWh(), demo.intervalS(), demo.terminalKind(),
                        demo.nominalVoltageV(), demo.capacityKva()));
            } else {
                out.add(new MeterSpec(code, port, berth, null, 100_000_000_000L, 15, "OTHER", 400, 630));
            }
        }
        return out;
    }

    static void checkCode(String code) {
        if (!code.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("'" + code + "' is not a code (letters, digits, '-', '_'; at most 64)");
        }
    }

    /** Whether a ship of this type berths at a terminal of this kind. */
    static boolean berthsAt(String vesselType, String terminalKind) {
        String v = vesselType.toUpperCase(Locale.ROOT);
        return switch (terminalKind == null ? "OTHER" : terminalKind.toUpperCase(Locale.ROOT)) {
            case "CONTAINER" -> v.equals("CONTAINER") || v.equals("CARGO");
            case "RO_RO" -> v.equals("RO_RO") || v.equals("CARGO") || v.equals("CONTAINER");
            case "GENERAL_CARGO", "BULK" -> v.equals("CARGO") || v.equals("OTHER");
            case "CRUISE", "PASSENGER" -> v.equals("CRUISE") || v.equals("PASSENGER");
            case "CHEMICAL", "OIL", "LNG", "LIQUID_BULK" -> v.endsWith("TANKER") || v.equals("LNG");
            default -> !(v.endsWith("TANKER") || v.equals("LNG"));
        };
    }
}
