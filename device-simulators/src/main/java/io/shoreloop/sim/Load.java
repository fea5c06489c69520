package io.shoreloop.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Load mode: M meters publish numbered readings (each meter's {@code seq} runs 0, 1, 2, … without gaps, its
 * {@code ts} advances by a fixed interval) at a target rate or as fast as possible, for a duration or a number
 * of readings, QoS 1, one reading per message or arrays of K. A consumer checks loss and duplicates per meter
 * from {@code seq}. Reports the publish rate achieved (first publish to last acknowledgement). With
 * {@code prerender}, every message of a run with a number of readings is rendered before the first publish (a meter
 * that buffered readings through an outage has them in memory before it sends), so that the publisher's own JSON
 * rendering is not part of the measured time on a machine whose cores the publisher shares with what it measures.
 */
public final class Load {

    /** Where messages go. {@code connection} is stable per meter, so a meter's messages stay in order. */
    public interface Publisher extends AutoCloseable {
        CompletableFuture<?> publish(int connection, String topic, byte[] payload);

        @Override
        default void close() throws Exception {}
    }

    /** What to send. {@code readings} 0: until {@code duration}; {@code ratePerS} 0: as fast as possible. */
    public record Config(
            List<Topology.MeterSpec> meters,
            long readings,
            Duration duration,
            double ratePerS,
            int batch,
            int intervalS,
            Instant start,
            long seed,
            int connections,
            int inflight,
            String topicRoot,
            boolean prerender) {

        /** The default topic root, the contract's: {@code shorepower/v1}. */
        public static final String CONTRACT_ROOT = "shorepower/v1";

        /** The meter's reading topic under {@link #topicRoot()}. */
        String readingTopic(Topology.MeterSpec m) {
            return topicRoot + "/" + m.port() + "/" + m.berth() + "/" + m.code() + "/reading";
        }
    }

    /** What happened. */
    public record Report(
            int meters,
            int connections,
            int batch,
            long messages,
            long readings,
            long acknowledged,
            long errors,
            double seconds,
            double targetRate,
            long[] lastSeq,
            long[] registerIncreaseWh,
            Instant startedAt,
            Instant finishedAt,
            String firstError) {

        public double messagesPerSecond() {
            return seconds <= 0 ? 0 : messages / seconds;
        }

        public double readingsPerSecond() {
            return seconds <= 0 ? 0 : readings / seconds;
        }

        public ObjectNode toJson(List<Topology.MeterSpec> specs) {
            ObjectNode n = Json.object();
            n.put("meters", meters);
            n.put("connections", connections);
            n.put("qos", 1);
            n.put("batch", batch);
            n.put("messages", messages);
            n.put("readings", readings);
            n.put("acknowledged", acknowledged);
            n.put("errors", errors);
            n.put("seconds", Math.round(seconds * 1000) / 1000.0);
            n.put("messagesPerSecond", Math.round(messagesPerSecond() * 10) / 10.0);
            n.put("readingsPerSecond", Math.round(readingsPerSecond() * 10) / 10.0);
            n.put("targetReadingsPerSecond", targetRate == 0 ? null : targetRate);
            n.put("startedAt", Json.ts(startedAt));
            n.put("finishedAt", Json.ts(finishedAt));
            if (firstError != null) {
                n.put("firstError", firstError);
            }
            ArrayNode per = n.putArray("perMeter");
            for (int i = 0; i < specs.size(); i++) {
                ObjectNode m = per.addObject();
                m.put("meter", specs.get(i).code());
                m.put("firstSeq", 0);
                m.put("lastSeq", lastSeq[i]);
                m.put("registerIncreaseKwh", Json.kwh(registerIncreaseWh[i]));
            }
            return n;
        }
    }

    private Load() {}

    /** The reading of {@code meter} numbered {@code seq}; a pure function of the seed, meter and seq. */
    static String reading(String meter, long seq, Instant start, int intervalS, long seed, int meterIndex) {
        long wh = registerWh(seq, seed, meterIndex);
        long powerDeci = 20 + Math.floorMod(mix(seed, meterIndex, seq + 7), 1000);
        StringBuilder b = new StringBuilder(200);
        b.append("{\"meter\":\"").append(meter).append("\",\"seq\":").append(seq)
                .append(",\"ts\":\"").append(Json.ts(start.plusSeconds(seq * intervalS))).append('"')
                .append(",\"energyKwh\":").append(Json.kwh(wh).toPlainString())
                .append(",\"powerKw\":").append(Json.scaled(powerDeci, 1).toPlainString())
                .append(",\"voltageV\":400.0,\"currentA\":")
                .append(Json.scaled(Math.round(powerDeci * 1000 / (1.732 * 400 * 0.9)), 1).toPlainString())
                .append(",\"frequencyHz\":50.00,\"breakerClosed\":true}");
        return b.toString();
    }

    /** Register after reading {@code seq}: 100,000 kWh plus up to 0.1 kWh per reading. */
    static long registerWh(long seq, long seed, int meterIndex) {
        return 100_000_000L + seq * 50 + Math.floorMod(mix(seed, meterIndex, seq), 50);
    }

    private static long mix(long seed, int meter, long seq) {
        long z = seed * 0x9E3779B97F4A7C15L + meter * 0xBF58476D1CE4E5B9L + seq * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Waits until publishing up to {@code upTo} readings keeps within {@code lead} of the consumer; false when the
     * consumer reported no progress for the lead's patience.
     */
    private static boolean waitForConsumer(Lead lead, long upTo, AtomicReference<String> firstError) {
        long stored = lead.stored().getAsLong();
        long since = System.nanoTime();
        while (upTo - stored > lead.readings()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            long now = lead.stored().getAsLong();
            if (now != stored) {
                stored = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > lead.patience().toNanos()) {
                firstError.compareAndSet(
                        null, "the consumer reported no progress for " + lead.patience() + " at " + stored + " readings");
                return false;
            }
        }
        return true;
    }

    /** One message: the meter's index, its readings and the payload. */
    private record Message(int meter, int readings, byte[] payload) {}

    /** The next message: {@code k} readings of meter {@code meter}, numbered on from {@code nextSeq}. */
    private static Message render(Config c, int meter, int k, int batch, long[] nextSeq) {
        Topology.MeterSpec spec = c.meters().get(meter);
        String payload;
        if (k == 1 && batch == 1) {
            payload = reading(spec.code(), nextSeq[meter]++, c.start(), c.intervalS(), c.seed(), meter);
        } else {
            StringBuilder b = new StringBuilder(k * 210).append('[');
            for (int i = 0; i < k; i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(reading(spec.code(), nextSeq[meter]++, c.start(), c.intervalS(), c.seed(), meter));
            }
            payload = b.append(']').toString();
        }
        return new Message(meter, k, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A limit on how far the publisher may run ahead of its consumer: before each message it waits while the readings
     * published minus those the consumer reports as stored ({@code stored}) reach {@code readings}. A broker queues
     * whatever its subscriber has not taken yet, and Mosquitto 2.0.11 was seen sending packet identifiers still in
     * flight once more than 65,535 messages waited for one subscriber. When the consumer reports no progress
     * for {@code patience}, the publisher stops waiting for it (and says so in {@link Report#firstError()} only if
     * nothing else went wrong: the consumer's checks find what it missed).
     */
    public record Lead(long readings, java.util.function.LongSupplier stored, Duration patience) {
        public Lead {
            if (readings < 1) {
                throw new IllegalArgumentException("lead must be >= 1 reading");
            }
        }
    }

    public static Report run(Config c, Publisher publisher) throws Exception {
        return run(c, publisher, null);
    }

    /** {@link #run(Config, Publisher)} staying at most {@code lead} ahead of the consumer (null: no limit). */
    public static Report run(Config c, Publisher publisher, Lead lead) throws Exception {
        int m = c.meters().size();
        if (m == 0) {
            throw new IllegalArgumentException("no meters");
        }
        int batch = Math.max(1, c.batch());
        long[] nextSeq = new long[m];
        java.util.ArrayDeque<Message> rendered = null;
        if (c.prerender() && c.readings() > 0) {
            rendered = new java.util.ArrayDeque<>();
            long[] seqs = new long[m];
            long total = 0;
            for (int meter = 0; total < c.readings(); meter = (meter + 1) % m) {
                int k = (int) Math.min(batch, c.readings() - total);
                rendered.add(render(c, meter, k, batch, seqs));
                total += k;
            }
        }
        Semaphore window = new Semaphore(Math.max(1, c.inflight()));
        AtomicLong acked = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong lastAck = new AtomicLong();
        long readings = 0;
        long messages = 0;
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        long deadline = c.readings() > 0 || c.duration() == null ? Long.MAX_VALUE : t0 + c.duration().toNanos();
        double nanosPerReading = c.ratePerS() > 0 ? 1e9 / c.ratePerS() : 0;
        int meter = 0;
        while ((c.readings() <= 0 || readings < c.readings()) && System.nanoTime() < deadline) {
            int k = c.readings() > 0 ? (int) Math.min(batch, c.readings() - readings) : batch;
            if (nanosPerReading > 0) {
                long due = t0 + (long) (readings * nanosPerReading);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
            if (lead != null && !waitForConsumer(lead, readings + k, firstError)) {
                lead = null; // the consumer stopped reporting: publish the rest as fast as possible
            }
            Message msg;
            if (rendered != null) {
                msg = rendered.poll();
                nextSeq[msg.meter()] += msg.readings();
            } else {
                msg = render(c, meter, k, batch, nextSeq);
            }
            window.acquire();
            // the message says whose it is (a pre-rendered one was numbered in the same round-robin order)
            publisher.publish(
                            msg.meter() % Math.max(1, c.connections()),
                            c.readingTopic(c.meters().get(msg.meter())),
                            msg.payload())
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, String.valueOf(e.getMessage()));
                        } else {
                            acked.incrementAndGet();
                        }
                        lastAck.set(System.nanoTime());
                        window.release();
                    });
            readings += msg.readings();
            messages++;
            meter = (meter + 1) % m;
        }
        if (!window.tryAcquire(Math.max(1, c.inflight()), 5, TimeUnit.MINUTES)) {
            firstError.compareAndSet(null, "acknowledgements still missing after 5 minutes");
        }
        long end = Math.max(lastAck.get(), t0);
        long[] last = new long[m];
        long[] increase = new long[m];
        for (int i = 0; i < m; i++) {
            last[i] = nextSeq[i] - 1;
            increase[i] = last[i] < 0 ? 0 : registerWh(last[i], c.seed(), i) - registerWh(0, c.seed(), i);
        }
        return new Report(m, c.connections(), batch, messages, readings, acked.get(), errors.get(),
                (end - t0) / 1e9, c.ratePerS(), last, increase, startedAt,
                startedAt.plusNanos(end - t0), firstError.get());
    }
}
