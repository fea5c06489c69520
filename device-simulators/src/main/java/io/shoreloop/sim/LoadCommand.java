package io.shoreloop.sim;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code load}: M meters publishing numbered readings at a target rate or as fast as possible. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publishes numbered readings from M meters, QoS 1, at a target rate or as fast as possible, for a"
                    + " duration or a number of readings, one reading per message or JSON arrays of --batch readings."
                    + " Each meter's seq runs 0, 1, 2, ... and its ts advances by --interval, so a consumer can check"
                    + " loss and duplicates per meter. Reports the rate achieved (first publish to last"
                    + " acknowledgement)."
        })
public final class LoadCommand implements Callable<Integer> {

    @Mixin
    SimulatorCli.BrokerOptions broker;

    @Mixin
    SimulatorCli.FleetOptions fleet;

    @Option(
            names = "--meter-count",
            defaultValue = "10",
            description = "Without --meters or --api-url: number of generated meters LOAD-M00001..., at berth"
                    + " --berth of --port-code (default: ${DEFAULT-VALUE}).")
    int meterCount;

    @Option(names = "--berth", defaultValue = "LOAD", description = "Berth code of generated meters (default: ${DEFAULT-VALUE}).")
    String berth;

    @Option(
            names = "--meters-per-berth",
            paramLabel = "K",
            defaultValue = "0",
            description = "Without --meters or --api-url: spread the generated meters over berths {berth}-0001,"
                    + " {berth}-0002, ..., K consecutive meters to a berth, as a port has a few outlets at each berth"
                    + " (0: every meter at --berth) (default: ${DEFAULT-VALUE}).")
    int metersPerBerth;

    @Option(names = "--meter-prefix", defaultValue = "LOAD-M", description = "Code prefix of generated meters (default: ${DEFAULT-VALUE}).")
    String meterPrefix;

    @Option(
            names = "--readings",
            defaultValue = "0",
            description = "Total readings to publish (0: until --duration) (default: ${DEFAULT-VALUE}).")
    long readings;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            description = "How long to publish when --readings is 0: 60s, 5m, PT1M (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Target readings per second over all meters (0: as fast as possible) (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--batch",
            defaultValue = "1",
            description = "Readings per message: 1 = one reading per message, K > 1 = a JSON array of K readings"
                    + " (the backfill shape) (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            defaultValue = "1",
            description = "Simulated seconds between a meter's readings (ts spacing) (default: ${DEFAULT-VALUE}).")
    int interval;

    @Option(
            names = "--start",
            description = "ts of each meter's reading 0. Default: early enough that the last reading's ts is not"
                    + " in the future (now minus readings-per-meter x interval; 7 days with --duration).")
    Instant start;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the register values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--connections",
            description = "MQTT connections (a meter always publishes over the same one) (default: min(meters, 4)).")
    Integer connections;

    @Option(
            names = "--inflight",
            defaultValue = "2000",
            description = "Most unacknowledged publishes at a time (default: ${DEFAULT-VALUE}).")
    int inflight;

    @Option(
            names = "--topic-root",
            defaultValue = Load.Config.CONTRACT_ROOT,
            description = "Topic root of the reading topics {root}/{port}/{berth}/{meter}/reading (default:"
                    + " ${DEFAULT-VALUE}, the contract's). Another root reaches no Shoreloop: a plain subscriber"
                    + " can measure the broker alone with the same load.")
    String topicRoot;

    @Option(
            names = "--json",
            description = "Print the report as JSON: counts, rate, start and end (wall clock), and per meter the"
                    + " last seq and the register increase from reading 0 to the last (the energy of the one"
                    + " session a consumer should see: every reading has the breaker closed).")
    boolean json;

    @Option(
            names = "--dry-run",
            description = "Connect to no broker: generate the messages (and record them with --record FILE).")
    boolean dryRun;

    @Option(names = "--record", paramLabel = "FILE", description = "Record every message as a JSON line {topic, payload}.")
    Path record;

    @Option(
            names = "--prerender",
            description = "With --readings: render every message before the first publish (as a meter holds a backlog"
                    + " in memory), so that the measured time holds no JSON rendering of the publisher's.")
    boolean prerender;

    @Option(
            names = "--lead",
            paramLabel = "READINGS",
            defaultValue = "0",
            description = "Stay at most this many readings ahead of the consumer, whose count of stored readings (of"
                    + " this run) is read from standard input, one number per line, the latest counting; when the"
                    + " count stops moving for a minute, publish on without it. A broker queues what its subscriber"
                    + " has not taken yet, and Mosquitto 2.0 reuses packet identifiers still in flight once more than"
                    + " 65,535 messages are queued for one subscriber (0: no limit) (default: ${DEFAULT-VALUE}).")
    long lead;

    @Option(
            names = "--warmup",
            paramLabel = "READINGS",
            defaultValue = "0",
            description = "Before the measured run, publish rounds of this many readings (same meters and shape) under"
                    + " the topic root warmup/{root}, which reaches no Shoreloop, until this JVM's JIT compiler was"
                    + " busy for under a tenth of a round (at most --warmup-rounds); the report covers the measured"
                    + " run only. A load generator that shares the cores with what it measures should not spend"
                    + " them compiling itself during the measurement (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(
            names = "--warmup-rounds",
            defaultValue = "10",
            description = "Most warm-up rounds (default: ${DEFAULT-VALUE}; publishing 100,000 single readings as fast"
                    + " as it can, the simulator's JIT compiler settled after eight).")
    int warmupRounds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The berth of generated meter {@code i} (1-based): see {@code --meters-per-berth}. */
    String berthOf(int i) {
        if (metersPerBerth == 0) {
            return berth;
        }
        String code = String.format(Locale.ROOT, "%s-%04d", berth, (i - 1) / metersPerBerth + 1);
        Topology.checkCode(code);
        return code;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Topology.MeterSpec> meters;
        if (fleet.apiUrl != null || (fleet.meters != null && !fleet.meters.isEmpty())) {
            meters = fleet.topology(fleet.api(), Instant.now(), Instant.now()).meters();
        } else {
            String port = fleet.portCode != null ? fleet.portCode : "LOAD";
            meters = new ArrayList<>();
            if (metersPerBerth < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--meters-per-berth must be >= 0");
            }
            for (int i = 1; i <= meterCount; i++) {
                String code = String.format(Locale.ROOT, "%s%05d", meterPrefix, i);
                Topology.checkCode(code);
                meters.add(new Topology.MeterSpec(
                        code, port, berthOf(i), null, 100_000_000_000L, interval, "OTHER", 400, 630));
            }
        }
        if (batch < 1 || interval < 1 || inflight < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch, --interval and --inflight must be >= 1");
        }
        int conns = connections != null ? connections : Math.min(meters.size(), 4);
        Instant first = start;
        if (first == null) {
            long perMeter = readings > 0 ? (readings + meters.size() - 1) / meters.size() : 7L * 86400 / interval;
            first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(perMeter * interval + 60);
        }
        Load.Config config = new Load.Config(
                meters,
                readings,
                readings > 0 ? null : duration,
                rate,
                batch,
                interval,
                first,
                seed,
                conns,
                inflight,
                topicRoot,
                prerender);
        Load.Publisher publisher = dryRun ? (c, t, p) -> CompletableFuture.completedFuture(null) : null;
        BufferedWriter recorder = record == null ? null : Files.newBufferedWriter(record, StandardCharsets.UTF_8);
        if (publisher == null) {
            publisher = new MqttLoadPublisher(broker.toOptions(), conns);
        }
        Load.Publisher base = publisher;
        Load.Publisher effective = recorder == null
                ? base
                : (c, t, p) -> {
                    synchronized (recorder) {
                        try {
                            var line = Json.object();
                            line.put("topic", t);
                            line.put("payload", new String(p, StandardCharsets.UTF_8));
                            recorder.write(Json.write(line));
                            recorder.write('\n');
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    return base.publish(c, t, p);
                };
        Load.Report report;
        try (base) {
            warmUp(config, base);
            report = Load.run(config, effective, lead > 0 ? consumerOnStdin() : null);
        } finally {
            if (recorder != null) {
                recorder.close();
            }
        }
        if (json) {
            out.println(Json.pretty(report.toJson(meters)));
        } else {
            out.printf(
                    Locale.ROOT,
                    "load: %d meters over %d connections, QoS 1, batch %d: %d messages, %d readings in %.2f s"
                            + " = %.0f msg/s, %.0f readings/s; acknowledged %d, errors %d%s%n",
                    report.meters(),
                    report.connections(),
                    report.batch(),
                    report.messages(),
                    report.readings(),
                    report.seconds(),
                    report.messagesPerSecond(),
                    report.readingsPerSecond(),
                    report.acknowledged(),
                    report.errors(),
                    report.firstError() == null ? "" : " (first error: " + report.firstError() + ")");
        }
        out.flush();
        return report.errors() == 0 && report.acknowledged() == report.messages() ? 0 : 1;
    }

    /** {@code --lead}: the consumer's count, read from standard input by a daemon thread. */
    private Load.Lead consumerOnStdin() {
        java.util.concurrent.atomic.AtomicLong stored = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(
                () -> {
                    try (var in = new java.io.BufferedReader(
                            new java.io.InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            line = line.strip();
                            if (!line.isEmpty()) {
                                stored.set(Long.parseLong(line));
                            }
                        }
                    } catch (java.io.IOException | NumberFormatException e) {
                        System.err.println("--lead: cannot read the consumer's count: " + e);
                    }
                },
                "consumer-count");
        reader.setDaemon(true);
        reader.start();
        return new Load.Lead(lead, stored::get, Duration.ofMinutes(1));
    }

    /**
     * The warm-up rounds of {@code --warmup}: the measured run's shape, under a topic root no consumer subscribes to,
     * not recorded, until the JIT compiler (this JVM's compilation time) was busy for under a tenth of a round.
     */
    private void warmUp(Load.Config measured, Load.Publisher publisher) throws Exception {
        if (warmup <= 0 || dryRun) {
            return;
        }
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        Load.Config config = new Load.Config(
                measured.meters(),
                warmup,
                null,
                0,
                measured.batch(),
                measured.intervalS(),
                measured.start(),
                measured.seed(),
                measured.connections(),
                measured.inflight(),
                "warmup/" + measured.topicRoot(),
                measured.prerender());
        for (int round = 1; round <= Math.max(1, warmupRounds); round++) {
            long compiledBefore = measurable ? jit.getTotalCompilationTime() : 0;
            long started = System.nanoTime();
            Load.Report r = Load.run(config, publisher);
            double roundMs = (System.nanoTime() - started) / 1e6;
            long compiledMs = measurable ? jit.getTotalCompilationTime() - compiledBefore : 0;
            if (r.errors() > 0) {
                throw new IllegalStateException("warm-up round " + round + " failed: " + r.firstError());
            }
            spec.commandLine()
                    .getErr()
                    .printf(Locale.ROOT, "load: warm-up round %d: %d readings in %.0f ms, JIT compiler busy %d ms%n",
                            round, r.readings(), roundMs, compiledMs);
            if (!measurable) {
                return; // one round: this JVM does not say how busy its compiler was
            }
            if (compiledMs < roundMs / 10) {
                return;
            }
        }
    }
}
