package io.shoreloop.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code port-day}: a deterministic simulated port day with ground truth. */
@Command(
        name = "port-day",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Simulates a port day: vessels arrive and depart on a schedule (registered with Shoreloop's calls API"
                    + " when --api-url is given), a share of them connect to shore power, every meter reports every"
                    + " interval with a power curve for the ship type (inland cargo 2-10 kW, container ~100 kW,"
                    + " ro-ro 150-300 kW, cruise 1.2-2.4 MW), breaker events, retained status and last will, and"
                    + " the faults you switch on.",
            "Writes the ground truth (true energy per session and per call, kWh with 3 decimals, and every injected"
                    + " bad message with its topic and reason) to <out>/ground-truth.json. The same --seed and"
                    + " --start give the same messages and the same ground truth."
        })
public final class PortDayCommand implements Callable<Integer> {

    @Mixin
    SimulatorCli.BrokerOptions broker;

    @Mixin
    SimulatorCli.FleetOptions fleet;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            description = "Simulated start, ISO-8601 UTC (e.g. 2026-11-24T00:00:00Z), or 'now' (live, with --speed 1)."
                    + " Default: now minus --duration (whole minute), so the day ends now and no timestamp lies in"
                    + " the future.")
    Instant start;

    @Option(
            names = "--duration",
            defaultValue = "24h",
            description = "Simulated time span: 24h, 90m, 2d, PT6H (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            description = "Seconds of simulated time between two readings of a meter (default: the meter's"
                    + " registered reporting interval, 15 s for the demo meters).")
    Integer interval;

    @Option(
            names = "--speed",
            defaultValue = "max",
            description = "'max': publish as fast as possible; a number: time compression (simulated seconds per"
                    + " real second; 1 = real time, 720 = a day in 2 minutes) (default: ${DEFAULT-VALUE}).")
    String speed;

    @Option(
            names = "--connect-share",
            defaultValue = "0.8",
            description = "Share of calls by ships with a shore-power facility that connect (default: ${DEFAULT-VALUE}).")
    double connectShare;

    @Option(
            names = "--vessel-id-share",
            defaultValue = "0.7",
            description = "Share of sessions in which the shore unit identifies the ship (readings carry 'vessel')"
                    + " (default: ${DEFAULT-VALUE}).")
    double vesselIdShare;

    @Option(
            names = "--trip-rate",
            defaultValue = "0.1",
            description = "Probability that a session's breaker trips and recloses after 5-20 min (two sessions in"
                    + " one call) (default: ${DEFAULT-VALUE}).")
    double tripRate;

    @Option(
            names = "--all-faults",
            description = "Switch every fault on at its demo rate (1 reset and 1 outage per meter-day, rollover on"
                    + " half the meters, 1%% duplicates, 1%% late, skew on half the meters, 0.1%% malformed, 0.05%%"
                    + " spoofed), each at least once; rates given explicitly still win.")
    boolean allFaults;

    @Option(names = "--reset-rate", paramLabel = "PER_METER_DAY", description = "Meter reboots (register to zero, seq from 0) per meter and simulated day.")
    Double resetRate;

    @Option(names = "--rollover-rate", paramLabel = "SHARE", description = "Share of meters whose register starts close below the modulus and rolls over.")
    Double rolloverRate;

    @Option(names = "--duplicate-rate", paramLabel = "P", description = "Probability that a reading is delivered twice.")
    Double duplicateRate;

    @Option(names = "--late-rate", paramLabel = "P", description = "Probability that a reading is delivered late (out of order).")
    Double lateRate;

    @Option(names = "--late-max", paramLabel = "INTERVALS", description = "Most reporting intervals a late reading is held back (default: 20).")
    Integer lateMax;

    @Option(names = "--offline-rate", paramLabel = "PER_METER_DAY", description = "Outages per meter and simulated day: last will, then a backfill JSON array on reconnect.")
    Double offlineRate;

    @Option(names = "--offline-minutes", description = "Length of an outage in minutes (default: 60).")
    Integer offlineMinutes;

    @Option(names = "--skew-rate", paramLabel = "SHARE", description = "Share of meters whose clock is off by a constant amount.")
    Double skewRate;

    @Option(names = "--skew-max", paramLabel = "SECONDS", description = "Largest clock error, either way (default: 120; keep it under 300, Shoreloop refuses timestamps > 5 min ahead).")
    Integer skewMax;

    @Option(names = "--malformed-rate", paramLabel = "P", description = "Probability per reading of an extra malformed message (not JSON, missing field, negative or non-numeric value, timestamp far ahead, unregistered meter).")
    Double malformedRate;

    @Option(names = "--spoof-rate", paramLabel = "P", description = "Probability per reading that the meter also publishes it on another meter's topic.")
    Double spoofRate;

    @Option(
            names = "--dry-run",
            description = "Publish nothing and register no call: record every action to <out>/messages.jsonl.")
    boolean dryRun;

    @Option(names = "--record", description = "Also record every action to <out>/messages.jsonl while publishing.")
    boolean record;

    @Option(
            names = "--out",
            defaultValue = "port-day-out",
            description = "Directory for ground-truth.json (and messages.jsonl) (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--no-post-calls",
            negatable = false,
            description = "With --api-url: discover meters and vessels, but do not register the calls.")
    boolean noPostCalls;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Faults faults() {
        Faults base = allFaults ? Faults.all() : Faults.none();
        return new Faults(
                resetRate != null ? resetRate : base.resetsPerMeterDay(),
                rolloverRate != null ? rolloverRate : base.rolloverShare(),
                duplicateRate != null ? duplicateRate : base.duplicateRate(),
                lateRate != null ? lateRate : base.lateRate(),
                lateMax != null ? lateMax : base.lateMaxIntervals(),
                offlineRate != null ? offlineRate : base.offlinePerMeterDay(),
                offlineMinutes != null ? offlineMinutes : base.offlineMinutes(),
                skewRate != null ? skewRate : base.skewShare(),
                skewMax != null ? skewMax : base.skewMaxSeconds(),
                malformedRate != null ? malformedRate : base.malformedRate(),
                spoofRate != null ? spoofRate : base.spoofRate(),
                base.atLeastOnce());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        double factor = SimulatorCli.speed(speed);
        Instant from = start != null ? start : SimulatorCli.defaultStart(duration);
        if (!dryRun && from.plus(duration).isAfter(Instant.now().plus(Duration.ofMinutes(5))) && (factor == 0 || factor > 1)) {
            log.println("warning: the simulated day ends in the future and --speed is not 1: readings will carry"
                    + " timestamps ahead of the clock, which Shoreloop refuses (more than 5 minutes ahead)");
        }
        ShoreloopApi api = fleet.api();
        Topology topology = fleet.topology(api, from, from.plus(duration));
        PortDay.Config config =
                new PortDay.Config(seed, from, duration, interval, connectShare, vesselIdShare, tripRate, faults());
        PortDay.Result result = PortDay.simulate(config, topology);
        Files.createDirectories(out);
        Path truthFile = out.resolve("ground-truth.json");
        writeTruth(truthFile, result.groundTruth());
        JsonNode totals = result.groundTruth().path("totals");
        log.printf(
                "port-day seed %d, %s .. %s: %d meters, %d calls, %d sessions, %s kWh, %d messages (%d bad)%n",
                seed,
                Json.ts(from),
                Json.ts(config.end()),
                topology.meters().size(),
                totals.path("calls").asInt(),
                totals.path("sessions").asInt(),
                totals.path("energyKwh").asText(),
                totals.path("messagesPublished").asInt(),
                totals.path("badMessages").asInt());
        log.flush();

        List<Sink> sinks = new ArrayList<>();
        if (dryRun || record) {
            sinks.add(new FileSink(out.resolve("messages.jsonl")));
        }
        MqttSink mqtt = null;
        if (!dryRun) {
            mqtt = new MqttSink(broker.toOptions());
            sinks.add(mqtt);
        }
        boolean postCalls = !dryRun && api != null && !noPostCalls;
        Map<String, ObjectNode> posted = new HashMap<>();
        long published = 0;
        long t0 = System.nanoTime();
        try (Sink sink = Sink.all(sinks)) {
            for (Outgoing a : result.actions()) {
                if (factor > 0) {
                    long due = t0 + (long) (Duration.between(from, a.at()).toNanos() / factor);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        sink.flush();
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                if (a.kind() == Outgoing.Kind.CALL && postCalls) {
                    posted.put(a.topic(), post(api, a, from, log));
                }
                sink.perform(a);
                if (a.kind() == Outgoing.Kind.PUBLISH) {
                    published++;
                }
            }
            sink.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!posted.isEmpty()) {
            for (JsonNode c : result.groundTruth().path("calls")) {
                ObjectNode answer = posted.get(c.path("call").asText());
                if (answer != null) {
                    ((ObjectNode) c).set("shoreloop", answer);
                }
            }
            writeTruth(truthFile, result.groundTruth());
        }
        log.printf(
                "%s %d messages in %.1f s (%.0f msg/s)%s; ground truth: %s%n",
                dryRun ? "recorded" : "published",
                published,
                seconds,
                seconds > 0 ? published / seconds : 0.0,
                mqtt != null ? ", " + mqtt.acknowledged() + " acknowledged" : "",
                truthFile);
        if (!posted.isEmpty()) {
            long created = posted.values().stream()
                    .filter(n -> n.path("status").asInt() == 201 || n.path("status").asInt() == 200)
                    .count();
            log.printf("calls registered with Shoreloop: %d of %d%n", created, posted.size());
        }
        log.flush();
        return 0;
    }

    private ObjectNode post(ShoreloopApi api, Outgoing a, Instant from, PrintWriter log) throws Exception {
        String key = "shoreloop-sim-" + seed + "-" + from.getEpochSecond() + "-" + a.topic();
        ShoreloopApi.Answer answer = api.postCall(a.payload(), key);
        ObjectNode n = Json.object();
        n.put("status", answer.status());
        try {
            JsonNode body = Json.MAPPER.readTree(answer.body());
            if (answer.status() / 100 == 2) {
                n.put("id", body.path("id").asText());
            } else {
                n.put("type", body.path("type").asText(null));
                n.put("detail", body.path("detail").asText(null));
                log.printf("call %s not registered: %d %s%n", a.topic(), answer.status(), body.path("detail").asText(""));
            }
        } catch (Exception e) {
            n.put("body", answer.body());
        }
        return n;
    }

    static void writeTruth(Path file, ObjectNode truth) throws Exception {
        Files.writeString(file, Json.pretty(truth) + "\n", StandardCharsets.UTF_8);
    }
}
