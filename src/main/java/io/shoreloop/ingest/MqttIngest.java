package io.shoreloop.ingest;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reactivex.schedulers.Schedulers;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.shorepower.IngestBatch;
import io.shoreloop.shorepower.MeterDirectory;
import io.shoreloop.shorepower.RegisteredMeter;
import io.shoreloop.shorepower.ShorePowerIngest;
import io.shoreloop.shorepower.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The MQTT adapter: subscribes to the meters' topics and hands batches to {@link ShorePowerIngest}.
 *
 * <ul>
 *   <li>MQTT 5, falling back to 3.1.1 when the broker refuses 5 (see {@link BrokerClients}); persistent session
 *       (clean start off, session expiry from config, stable client id), QoS 1.
 *   <li>Readings through the shared subscription {@code $share/{group}/shorepower/v1/+/+/+/reading}, so that several
 *       instances split the load. Status through a plain subscription: the broker sends retained messages only to
 *       non-shared subscriptions, and status updates are idempotent (recorded only when they change the state).
 *   <li>Manual acknowledgement: a message is acknowledged only after the transaction holding its readings (or its
 *       dead letter) committed. A batch the database refuses is kept and retried with backoff, never acknowledged
 *       before it is stored; if this instance dies meanwhile, the broker redelivers to the session.
 *   <li>Reconnects by itself with backoff, also when the broker is down at start-up (start-up does not wait).
 *   <li>{@code writers} worker threads (each a meter's messages by its code, so that they are stored in arrival
 *       order) drain their queues in batches of {@code batch-messages} messages, {@code batch-readings} readings or
 *       {@code flush-interval}, whichever comes first. Acknowledgements may so come out of order; the client sends
 *       them in the order the messages came.
 *   <li>Bounded memory: while more than {@code max-pending-messages} messages, {@code max-pending-readings}
 *       readings or {@code max-pending-bytes} bytes of payload are received but not yet acknowledged, the
 *       connection stops reading from the broker (TCP flow control: the broker keeps the rest in the session) until
 *       half of them are done, or {@code max-read-pause} passed. The broker's receive maximum does not bound them:
 *       Mosquitto 2.0 was seen sending more.
 * </ul>
 */
@ApplicationScoped
public class MqttIngest {

    private static final Logger LOG = Logger.getLogger(MqttIngest.class);
    private static final String READINGS = "shorepower/v1/+/+/+/reading";
    static final String STATUS = "shorepower/v1/+/+/+/status";

    private final ShoreloopConfig.Mqtt config;
    private final ShorePowerIngest store;
    private final MeterDirectory directory;
    private final MeterRegistry metrics;
    private final Clock clock;
    /** Since when messages come (meter silence counts only while they do). */
    private final io.shoreloop.shorepower.Listening listening;

    private final PayloadParser parser;

    /** Messages received and parsed (on the client's thread), waiting for their writer: one queue per writer. */
    private final List<BlockingQueue<Parsed>> queues = new ArrayList<>();

    /** How long a writer gathering a batch rests before it looks at its empty queue again (see {@link #gather}). */
    static final long SLICE_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

    /**
     * The idle time that ends a batch grows by this much per message it holds, from the configured one up to ten times
     * that (see {@link #gather}).
     */
    static final long IDLE_NANOS_PER_MESSAGE = TimeUnit.MICROSECONDS.toNanos(2);

    private final AtomicLong acknowledged = new AtomicLong();
    /** Messages and readings received and not yet done with (queued, or in a batch being written). */
    private final AtomicLong pendingMessages = new AtomicLong();

    private final AtomicLong pendingReadings = new AtomicLong();
    /** Payload bytes of the messages received and not yet done with (the client holds each until acknowledged). */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** The current connection (to pause reading from it), or null when the client's internals did not tell. */
    private volatile Channel channel;
    /** When reading from the connection was paused ({@link System#nanoTime}, never 0), or 0 while it reads. */
    private final AtomicLong pausedAt = new AtomicLong();

    private final BrokerClients clients;
    private volatile boolean running;
    /** Set at a graceful stop: reading from the broker stays off while the writers store what was received. */
    private volatile boolean draining;

    private volatile BrokerClients.Protocol protocol;
    private volatile boolean subscribed;
    private final List<Thread> workers = new ArrayList<>();
    private Thread connector;
    private Mqtt5AsyncClient client5;
    private Mqtt3AsyncClient client3;
    /** Disconnects the open client, keeping the session on the broker. */
    private Runnable connection;

    private final Counter storedReadings;
    private final Counter duplicateReadings;
    private final Counter messages;
    private final Counter batchFailures;
    private final Counter readPauses;
    private final Counter sessionsTakenOver;
    private final Counter unstorable;
    /** Messages per batch written, and the meters they came from: what a batch's per-meter writes are shared by. */
    private final DistributionSummary batchMessages;

    private final DistributionSummary batchMeters;

    public MqttIngest(
            ShoreloopConfig config,
            ShorePowerIngest store,
            MeterDirectory directory,
            MeterRegistry metrics,
            Clock clock,
            io.shoreloop.shorepower.Listening listening) {
        this.listening = listening;
        this.config = config.mqtt();
        this.store = store;
        this.directory = directory;
        this.metrics = metrics;
        this.clock = clock;
        this.parser = new PayloadParser(this.config.futureTolerance(), this.config.maxReadingAge());
        this.clients = new BrokerClients(this.config);
        for (int i = 0; i < Math.max(1, this.config.writers()); i++) {
            queues.add(new LinkedBlockingQueue<>());
        }
        this.storedReadings = metrics.counter("shoreloop.ingest.readings.stored");
        this.duplicateReadings = metrics.counter("shoreloop.ingest.readings.duplicate");
        this.messages = metrics.counter("shoreloop.ingest.messages");
        this.batchFailures = metrics.counter("shoreloop.ingest.batch.failures");
        this.readPauses = metrics.counter("shoreloop.ingest.read.pauses");
        this.sessionsTakenOver = metrics.counter("shoreloop.ingest.sessions.taken.over");
        this.unstorable = metrics.counter("shoreloop.ingest.dead.letters.unstorable");
        this.batchMessages = DistributionSummary.builder("shoreloop.ingest.batch.messages")
                .description("Messages per batch written")
                .register(metrics);
        this.batchMeters = DistributionSummary.builder("shoreloop.ingest.batch.meters")
                .description("Meters whose messages a batch written holds")
                .register(metrics);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.ingest()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Messages acknowledged so far (for tests and the benchmark). */
    public long acknowledged() {
        return acknowledged.get();
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        draining = false;
        // messages of an earlier connection were not acknowledged: the broker sends them again
        queues.forEach(BlockingQueue::clear);
        pendingMessages.set(0);
        pendingReadings.set(0);
        pendingBytes.set(0);
        subscribed = false;
        workers.clear();
        for (int i = 0; i < queues.size(); i++) {
            BlockingQueue<Parsed> queue = queues.get(i);
            Thread worker = new Thread(() -> work(queue), "shoreloop-ingest-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        connector = new Thread(this::connect, "shoreloop-mqtt-connect");
        connector.setDaemon(true);
        connector.start();
    }

    /** Whether the broker acknowledged the subscriptions of the current connection (for tests). */
    boolean subscribed() {
        return subscribed;
    }

    /** The protocol version in use, once the broker was reached ({@code null} before). */
    public BrokerClients.Protocol protocol() {
        return protocol;
    }

    /**
     * Finds out which protocol version the broker speaks (retrying with backoff while it cannot be reached), then
     * opens the persistent session in that version; the client reconnects by itself from then on.
     */
    private void connect() {
        long delay = config.retryDelay().toMillis();
        BrokerClients.Protocol negotiated = null;
        while (running && negotiated == null) {
            negotiated = clients.negotiate(config.readinessTimeout());
            if (negotiated == null) {
                LOG.warnf("MQTT broker %s not reachable yet; retrying in %d ms", clients.endpoint(), delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    return;
                }
                delay = Math.min(delay * 2, config.retryMaxDelay().toMillis());
            }
        }
        synchronized (this) {
            if (!running) {
                return;
            }
            protocol = negotiated;
            connection = negotiated == BrokerClients.Protocol.MQTT_3_1_1 ? connect3() : connect5();
        }
    }

    /** This instance's client: reconnects by itself with backoff and subscribes on every connect. */
    private MqttClientBuilder reconnecting(Runnable subscribe) {
        return clients.base(config.clientId())
                // Callbacks run on the client's network thread. By default the client hands incoming messages to an
                // application thread through a bounded buffer, and while that buffer is full every acknowledgement
                // and every new message makes the client walk its whole queue of messages still waiting for their
                // acknowledgement (the batch being written): a third of the application's time in the live
                // benchmark. The callbacks only parse and enqueue, they never block.
                .executorConfig()
                .applicationScheduler(Schedulers.from(Runnable::run))
                .applyExecutorConfig()
                .automaticReconnect()
                .initialDelay(config.retryDelay().toMillis(), TimeUnit.MILLISECONDS)
                .maxDelay(config.retryMaxDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(ctx -> {
                    Channel connected = channelOf(ctx.getClientConfig());
                    pausedAt.set(0); // a new connection reads
                    listening.release(io.shoreloop.shorepower.Listening.Hold.READING_PAUSED, clock.instant());
                    channel = connected;
                    if (draining && connected != null) {
                        connected.config().setAutoRead(false); // stopping: nothing more is read
                    }
                    if (connected != null && config.consolidateFlushes()) {
                        consolidateFlushes(connected);
                    }
                    subscribe.run();
                })
                .addDisconnectedListener(ctx -> disconnected(ctx.getCause()));
    }

    /**
     * A broker ends a session's connection when another connection comes with the same client id (MQTT 5 says so with
     * the reason code; over 3.1.1 the connection just closes). Two instances sharing an id would take the session from
     * each other in turn, so that is told loudly: each instance needs its own {@code SHORELOOP_MQTT_CLIENT_ID}.
     */
    private void disconnected(Throwable cause) {
        listening.stopped();
        if (cause instanceof Mqtt5DisconnectException d
                && d.getMqttMessage().getReasonCode() == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER) {
            sessionsTakenOver.increment();
            LOG.warnf(
                    "The broker gave this instance's MQTT session to another connection with the same client id (%s);"
                            + " reconnecting. If another Shoreloop instance uses this id, give each its own"
                            + " SHORELOOP_MQTT_CLIENT_ID",
                    config.clientId());
        } else {
            LOG.debugf("MQTT disconnected (%s); reconnecting", cause);
        }
    }

    /**
     * Lets the connection's acknowledgements leave in a few writes. A batch's commit acknowledges its messages at once
     * (about 1,800 in the live benchmark), and the client writes and flushes each PUBACK on its own: a send system call
     * per message (measured: 0.96 writes per live reading, 0.016 with consolidation; Shoreloop's system time per
     * reading fell from 2.3 to 0.6-1.1 us). Netty's flush consolidation, first in the
     * connection's pipeline, turns the flushes of one run of the network thread into a write per 256 of them and one
     * at the end of the run (a flush outside a read waits for the thread's next task, never longer). The client offers
     * no pipeline hook (see {@link #channelOf}).
     */
    static void consolidateFlushes(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(FlushConsolidationHandler.class) == null) {
            pipeline.addFirst(new FlushConsolidationHandler(256, true));
        }
    }

    /**
     * The connection's Netty channel: the client's connection configuration holds it (an internal class of the
     * client, checked); null when it does not, and then acknowledgements are flushed one by one and reading is never
     * paused.
     */
    static Channel channelOf(com.hivemq.client.mqtt.MqttClientConfig client) {
        var connection = client.getConnectionConfig().orElse(null);
        if (connection instanceof com.hivemq.client.internal.mqtt.MqttClientConnectionConfig internal) {
            return internal.getChannel();
        }
        LOG.warnf(
                "MQTT connection configuration %s holds no channel: reading from the broker is never paused",
                connection);
        return null;
    }

    /** Stops reading from the broker while too much is received and not yet done with (on the client's thread). */
    private void pauseReadingIfFull(long messages, long readings, long bytes) {
        if (!overPendingBounds(messages, readings, bytes)) {
            return;
        }
        Channel c = channel;
        if (c != null && pausedAt.compareAndSet(0, System.nanoTime() | 1)) {
            c.config().setAutoRead(false);
            readPauses.increment();
            listening.hold(io.shoreloop.shorepower.Listening.Hold.READING_PAUSED);
        }
    }

    /**
     * Whether this many messages, readings and payload bytes received and not yet done with are more than reading may
     * go on with.
     */
    private boolean overPendingBounds(long messages, long readings, long bytes) {
        return messages > config.maxPendingMessages()
                || readings > config.maxPendingReadings()
                || bytes > config.maxPendingBytes();
    }

    /** Whether too much is received and not yet done with for reading to go on (also an adopted session's). */
    boolean pendingFull() {
        return overPendingBounds(pendingMessages.get(), pendingReadings.get(), pendingBytes.get());
    }

    /** Whether at most half of what may be pending is, so that a paused reading may go on. */
    boolean pendingDrained() {
        return pendingMessages.get() <= config.maxPendingMessages() / 2
                && pendingReadings.get() <= config.maxPendingReadings() / 2
                && pendingBytes.get() <= config.maxPendingBytes() / 2;
    }

    /**
     * Reads from the broker again once half of what paused it is done, or when it was paused for longer than {@code
     * max-read-pause} (so that the connection's keep-alive is answered while the database is away).
     */
    private void resumeReadingIfDrained() {
        long since = pausedAt.get();
        if (since == 0 || draining) {
            return;
        }
        if ((pendingDrained()
                        || System.nanoTime() - since > config.maxReadPause().toNanos())
                && pausedAt.compareAndSet(since, 0)) {
            Channel c = channel;
            if (c != null) {
                // on the network thread, where reading is paused: a pause that came in between stays in force
                c.eventLoop().execute(() -> {
                    if (pausedAt.get() == 0) {
                        c.config().setAutoRead(true);
                        listening.release(io.shoreloop.shorepower.Listening.Hold.READING_PAUSED, clock.instant());
                    }
                });
            } else {
                listening.release(io.shoreloop.shorepower.Listening.Hold.READING_PAUSED, clock.instant());
            }
        }
    }

    /** Whether reading from the broker is paused now (for tests). */
    boolean readingPaused() {
        return pausedAt.get() != 0;
    }

    private Runnable connect5() {
        Mqtt5AsyncClient client = clients.mqtt5(reconnecting(this::subscribe5)).buildAsync();
        client5 = client;
        // parsing runs on the client's network thread, in parallel with the worker writing the previous batch
        client.publishes(
                MqttGlobalPublishFilter.ALL,
                p -> receive(
                        p.getTopic().toString(),
                        new Publish<>(p, Mqtt5Publish::getPayloadAsBytes, Mqtt5Publish::acknowledge)),
                true);
        resume(client, config)
                .whenComplete((ack, error) -> connected("5", error, error == null && ack.isSessionPresent()));
        return () -> client.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
    }

    /** An MQTT 5 connect resuming the client id's persistent session (clean start off), with this instance's limits. */
    static java.util.concurrent.CompletableFuture<com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck>
            resume(Mqtt5AsyncClient client, ShoreloopConfig.Mqtt config) {
        return client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(config.sessionExpiry().toSeconds())
                .restrictions()
                .receiveMaximum(Math.min(65_535, config.receiveMaximum()))
                .maximumPacketSize((int) Math.min(268_435_460L, 8L * config.maxPayloadBytes()))
                .applyRestrictions()
                .send();
    }

    /**
     * MQTT 3.1.1: a persistent session is a connect without clean session (the broker keeps it until its own expiry
     * policy drops it); there is no receive maximum, the broker's in-flight limit applies.
     */
    private Runnable connect3() {
        Mqtt3AsyncClient client = clients.mqtt3(reconnecting(this::subscribe3)).buildAsync();
        client3 = client;
        client.publishes(
                MqttGlobalPublishFilter.ALL,
                p -> receive(
                        p.getTopic().toString(),
                        new Publish<>(p, Mqtt3Publish::getPayloadAsBytes, Mqtt3Publish::acknowledge)),
                true);
        client.connectWith()
                .cleanSession(false)
                .send()
                .whenComplete((ack, error) -> connected("3.1.1", error, error == null && ack.isSessionPresent()));
        return () -> client.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
    }

    private void connected(String version, Throwable error, boolean sessionPresent) {
        if (error != null) {
            LOG.warnf(
                    "MQTT %s connect to %s failed (%s); retrying in the background",
                    version, clients.endpoint(), error.getMessage());
        } else {
            LOG.infof(
                    "Ingesting shore-power readings from %s over MQTT %s as '%s' (session present: %s)",
                    clients.endpoint(), version, config.clientId(), sessionPresent);
        }
    }

    /** A message as a test gives it ({@code acknowledge} stands for its PUBACK). */
    void receive(String topic, byte[] payload, Runnable acknowledge) {
        receive(topic, new Given(payload, acknowledge));
    }

    /**
     * A message from the broker, on the client's thread: its payload is read here and not kept (the delivery gives it
     * again if the message becomes a dead letter).
     */
    void receive(String topic, Delivery delivery) {
        Instant receivedAt = clock.instant();
        byte[] payload = delivery.payload();
        Parsed parsed;
        try {
            parsed = payload.length > config.maxPayloadBytes()
                    ? refused(
                            topic,
                            PayloadParser.topic(topic),
                            delivery,
                            receivedAt,
                            payload.length,
                            "payload-too-large",
                            "payload of " + payload.length + " bytes, more than " + config.maxPayloadBytes()
                                    + " (shoreloop.mqtt.max-payload-bytes)")
                    : parse(topic, payload, delivery, receivedAt);
        } catch (RuntimeException e) {
            // a parser bug must not hold the message unacknowledged (redelivered on every reconnect, a slot of the
            // broker's in-flight window taken for good): it becomes a dead letter like any unreadable message
            LOG.warnf(e, "A message on %s could not be read; dead-lettered", topic);
            parsed = refused(
                    topic,
                    PayloadParser.topic(topic),
                    delivery,
                    receivedAt,
                    payload.length,
                    "invalid-json",
                    "payload could not be read");
        }
        long messages = pendingMessages.incrementAndGet();
        long readings = pendingReadings.addAndGet(parsed.readingCount());
        long bytes = pendingBytes.addAndGet(parsed.bytes());
        queues.get(writerOf(parsed.topic(), queues.size())).add(parsed);
        pauseReadingIfFull(messages, readings, bytes);
    }

    /**
     * The writer of a message: by its meter, so that one writer stores all of a meter's messages (readings and
     * status) in the order they came; a message whose topic is not ours goes to the first.
     */
    static int writerOf(PayloadParser.Topic topic, int writers) {
        return topic == null ? 0 : Math.floorMod(topic.meter().hashCode(), writers);
    }

    private void subscribe5() {
        client5.subscribeWith()
                .addSubscription()
                .topicFilter(readings())
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .addSubscription()
                .topicFilter(STATUS)
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .send()
                .whenComplete((ack, error) -> subscribed(error));
    }

    private void subscribe3() {
        client3.subscribeWith()
                .addSubscription()
                .topicFilter(readings())
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .addSubscription()
                .topicFilter(STATUS)
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .send()
                .whenComplete((ack, error) -> subscribed(error));
    }

    String readings() {
        return config.shared() ? "$share/" + config.sharedGroup() + "/" + READINGS : READINGS;
    }

    private void subscribed(Throwable error) {
        if (error != null) {
            LOG.warnf("MQTT subscription failed: %s", error.getMessage());
        } else {
            listening.started(clock.instant());
        }
        subscribed = error == null;
    }

    /**
     * Stops gracefully: reading from the broker stops, the writers store and acknowledge what was received (at most
     * {@code drain-timeout}, so that a database that is away does not hold the stop), then the connection closes. So a
     * rolling update or a scale-down leaves in the broker session only what the broker had sent and this instance had
     * not read yet, or not stored in time: the broker sends it again at the next connection with this client id.
     */
    void stop() {
        listening.stopped();
        drain();
        Thread connecting;
        List<Thread> working;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            connecting = connector;
            working = List.copyOf(workers);
        }
        try {
            if (connecting != null) {
                connecting.interrupt();
                connecting.join(TimeUnit.SECONDS.toMillis(10));
            }
            for (Thread worker : working) {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (connection != null) {
                // the session stays on the broker: unacknowledged messages are redelivered at the next connect
                connection.run();
                connection = null;
            }
        }
    }

    /**
     * A dead letter's message stored as if it came now from the broker, with the time it was first received (the
     * future-timestamp rule judges it as it was then): the same validation (the topic, the payload and the registry
     * must agree), the same store. Its readings and statuses are stored (a reading stored meanwhile counts as a
     * duplicate); the dead letters of its own bad elements are stored too unless {@code elementLettersKept} (the
     * original processing stored them already). Nothing is stored when the message is rejected again as a whole.
     *
     * @throws DeadLetterStillRejected when the message would be rejected again as a whole
     * @throws StoreUnavailable when the database refused it (a retry may succeed when {@link
     *     StoreUnavailable#isTransient()})
     */
    public IngestBatch.Outcome replay(String topic, String payload, Instant receivedAt, boolean elementLettersKept) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        // stored from the dead letters, not delivered by the broker: nothing to acknowledge
        Parsed p = parse(topic, bytes, new Given(bytes, () -> {}), receivedAt);
        Map<String, RegisteredMeter> meters = p.topic() == null
                ? Map.of()
                : directory.resolve(Set.of(p.topic().meter()));
        IngestBatch part = toPart(p, meters, false);
        if (part.readings().isEmpty() && part.statuses().isEmpty()) {
            throw new DeadLetterStillRejected(part.deadLetters().stream()
                    .map(IngestBatch.DeadLetter::reason)
                    .distinct()
                    .toList());
        }
        IngestBatch toStore = elementLettersKept ? new IngestBatch(part.readings(), part.statuses(), List.of()) : part;
        IngestBatch.Outcome outcome = store.store(toStore);
        // the element letters counted once stored (a reason is "kind: text"), not when the store refused them
        toStore.deadLetters()
                .forEach(d -> countDeadLetter(d.reason().substring(0, d.reason().indexOf(':'))));
        record(outcome);
        return outcome;
    }

    private void drain() {
        synchronized (this) {
            if (!running) {
                return;
            }
            draining = true;
        }
        Channel c = channel;
        if (c != null && c.isActive()) {
            try {
                // on the network thread, after any read in progress: every message it brought is queued by then
                c.eventLoop().submit(() -> c.config().setAutoRead(false)).await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        long end = System.nanoTime() + config.drainTimeout().toNanos();
        try {
            while (pendingMessages.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = pendingMessages.get();
        if (left > 0) {
            LOG.warnf(
                    "Stopping with %d messages received and not stored within %s; the broker sends them again",
                    left, config.drainTimeout());
        }
    }

    /** Whether this instance ingests: started and not stopping (connected to the broker or not). */
    boolean alive() {
        return running && !draining;
    }

    /** Whether this instance reads from the broker now: started, not stopping, connected once. */
    boolean ingesting() {
        return alive() && protocol != null;
    }

    /** Messages received and not yet stored and acknowledged (for tests). */
    long pending() {
        return pendingMessages.get();
    }

    private void work(BlockingQueue<Parsed> queue) {
        while (running) {
            Batch batch = null;
            try {
                Parsed first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    resumeReadingIfDrained();
                    continue;
                }
                batch = new Batch();
                batch.add(first);
                gather(queue, batch, config.flushInterval(), config.flushIdle());
                try {
                    process(batch);
                } finally {
                    pendingMessages.addAndGet(-batch.size());
                    pendingReadings.addAndGet(-batch.readingCount);
                    pendingBytes.addAndGet(-batch.bytes);
                    resumeReadingIfDrained();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Unexpected failure in the ingest loop; its batch goes to the dead letters", e);
                try {
                    if (batch != null) {
                        abandon(batch, e);
                    }
                } catch (InterruptedException stopping) {
                    // shutting down: left unacknowledged, the broker sends it again to the session
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Adds to {@code batch} what the queue holds and what arrives while messages keep coming: until the batch is
     * {@linkplain Gathering#full() full}, {@code interval} after the call, or once no further message came for {@code
     * idle}. A broker that sends only as many messages as it may have unacknowledged (its in-flight window) sends no
     * more until this batch is written, so waiting longer gains nothing. The idle time grows with the batch, by {@link
     * #IDLE_NANOS_PER_MESSAGE} a message up to ten times {@code idle} (2 ms up to 1,000 messages, 20 ms from 10,000 with
     * the default): a small batch, as a small in-flight window gives, ends as soon as the window is spent, while a
     * large one, which only a large window gives, is not ended by the gaps of a few milliseconds in which two busy
     * cores leave the network thread no time, and grows under load; each meter's session and state rows are written
     * once per batch, so at 5,000 meters batches of 5.1 messages per meter instead of 2.7 cost PostgreSQL a third less
     * per reading (README, "Batches that wait a little longer"). While the queue is empty the writer looks again
     * every {@link #SLICE_NANOS} rather than waiting to be woken by the next message: at full load one came every few
     * tens of microseconds, and a wake-up for each (a context switch of the writer, a system call of the network thread
     * that queued it) cost more than the look (README, "A writer that looks rather than waits").
     */
    static <T> void gather(BlockingQueue<T> queue, Gathering<T> batch, Duration interval, Duration idle)
            throws InterruptedException {
        long deadline = System.nanoTime() + interval.toNanos();
        long idleNanos = idle.toNanos();
        // when the writer last found its queue empty after taking messages: the idle time counts from there
        long lastSeen = System.nanoTime();
        boolean took = false;
        int count = 0;
        while (!batch.full()) {
            T next = queue.poll();
            if (next != null) {
                batch.add(next);
                count++;
                took = true;
                continue;
            }
            long now = System.nanoTime();
            if (took) {
                lastSeen = now;
                took = false;
            }
            long idleNow = Math.max(idleNanos, Math.min(10 * idleNanos, count * IDLE_NANOS_PER_MESSAGE));
            long wait = Math.min(deadline, lastSeen + idleNow) - now;
            if (wait <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(wait, SLICE_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException("stopping");
            }
        }
    }

    /** A batch being gathered ({@link #gather}). */
    interface Gathering<T> {
        void add(T message);

        boolean full();
    }

    /** The messages of one batch, parsed as they were drained. */
    private final class Batch implements Gathering<Parsed> {
        final List<Parsed> parsed = new ArrayList<>();
        int readingCount;
        long bytes;

        @Override
        public void add(Parsed p) {
            parsed.add(p);
            readingCount += p.readingCount();
            bytes += p.bytes();
        }

        @Override
        public boolean full() {
            return parsed.size() >= config.batchMessages() || readingCount >= config.batchReadings();
        }

        int size() {
            return parsed.size();
        }
    }

    /**
     * A message as the client holds it until it is acknowledged: its payload as it came (read again only when a dead
     * letter needs the text) and its acknowledgement. Messages wait for their batch up to the pending bound (30,000 by
     * default): a copy of each payload beside the client's, held all that while, was a sixth of what a waiting message
     * kept alive (README, "Holding less per waiting message").
     */
    interface Delivery {
        /** A copy of the payload. */
        byte[] payload();

        /** Sends the PUBACK. */
        void acknowledge();
    }

    /** A publish of the client (MQTT 5 or 3.1.1: no common type has both methods), with its version's two methods. */
    record Publish<P>(P publish, Function<P, byte[]> payloadOf, Consumer<P> acknowledger) implements Delivery {
        @Override
        public byte[] payload() {
            return payloadOf.apply(publish);
        }

        @Override
        public void acknowledge() {
            acknowledger.accept(publish);
        }
    }

    private record Given(byte[] bytes, Runnable acknowledgement) implements Delivery {
        @Override
        public byte[] payload() {
            return bytes.clone();
        }

        @Override
        public void acknowledge() {
            acknowledgement.run();
        }
    }

    /** A message as received and parsed, with its delivery (payload and acknowledgement). */
    private record Parsed(
            String topicRaw,
            PayloadParser.Topic topic,
            Delivery delivery,
            Instant receivedAt,
            List<PayloadParser.Element> elements,
            PayloadParser.Status status,
            PayloadParser.Rejection rejection,
            int bytes) {

        /**
         * The payload's text for a dead letter: whole up to twice the 64 KiB a bad message's letter keeps, else only
         * its beginning (the letter is cut at 64 KiB and marked truncated all the same), so that a huge payload is
         * never decoded, escaped and encoded whole.
         */
        String payload() {
            byte[] bytes = delivery.payload();
            int keep = 2 * 64 * 1024;
            return bytes.length <= keep
                    ? new String(bytes, StandardCharsets.UTF_8)
                    : new String(bytes, 0, keep, StandardCharsets.UTF_8);
        }

        /** Readings the message carries (1 for a single reading, a status or a dead letter). */
        int readingCount() {
            return elements == null ? 1 : Math.max(1, elements.size());
        }
    }

    private Parsed parse(String raw, byte[] payload, Delivery delivery, Instant receivedAt) {
        PayloadParser.Topic topic = PayloadParser.topic(raw);
        if (topic == null) {
            return refused(
                    raw,
                    null,
                    delivery,
                    receivedAt,
                    payload.length,
                    "bad-topic",
                    "topic is not shorepower/v1/{port}/{berth}/{meter}/…");
        }
        if (topic.status()) {
            PayloadParser.Status status;
            try {
                status = parser.status(new String(payload, StandardCharsets.UTF_8), receivedAt);
            } catch (IllegalArgumentException e) {
                String[] kindAndMessage = e.getMessage().split(": ", 2);
                return refused(raw, topic, delivery, receivedAt, payload.length, kindAndMessage[0], kindAndMessage[1]);
            }
            return new Parsed(raw, topic, delivery, receivedAt, null, status, null, payload.length);
        }
        return new Parsed(
                raw,
                topic,
                delivery,
                receivedAt,
                parser.readings(topic, payload, receivedAt),
                null,
                null,
                payload.length);
    }

    private static Parsed refused(
            String raw,
            PayloadParser.Topic topic,
            Delivery delivery,
            Instant receivedAt,
            int bytes,
            String kind,
            String message) {
        return new Parsed(
                raw, topic, delivery, receivedAt, null, null, new PayloadParser.Rejection(kind, message), bytes);
    }

    private void process(Batch batch) throws InterruptedException {
        long started = System.nanoTime();
        Set<String> codes = new HashSet<>();
        for (Parsed p : batch.parsed) {
            if (p.topic() != null) {
                codes.add(p.topic().meter());
            }
        }
        Map<String, RegisteredMeter> meters = resolve(codes);
        // one batch's lists, filled message by message (a message's own part is made only when the batch is split)
        List<IngestBatch.Incoming> readings = new ArrayList<>(batch.readingCount);
        List<IngestBatch.StatusReport> statuses = new ArrayList<>();
        List<IngestBatch.DeadLetter> letters = new ArrayList<>();
        for (Parsed p : batch.parsed) {
            addPart(p, meters, true, readings, statuses, letters);
        }
        storeAll(new IngestBatch(readings, statuses, letters), batch.parsed, meters);
        for (Parsed p : batch.parsed) {
            p.delivery().acknowledge();
        }
        acknowledged.addAndGet(batch.size());
        messages.increment(batch.size());
        batchMessages.record(batch.size());
        batchMeters.record(codes.size());
        if (LOG.isDebugEnabled()) {
            LOG.debugf(
                    "batch of %d messages, %d readings in %d ms",
                    batch.size(), batch.readingCount, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private Map<String, RegisteredMeter> resolve(Set<String> codes) throws InterruptedException {
        long delay = config.retryDelay().toMillis();
        while (true) {
            try {
                return directory.resolve(codes);
            } catch (StoreUnavailable e) {
                LOG.warnf("Cannot resolve meters (%s); retrying in %d ms", e.reason(), delay);
                Thread.sleep(delay);
                delay = Math.min(delay * 2, config.retryMaxDelay().toMillis());
            }
        }
    }

    /** The readings, status or dead letters of one message. */
    private IngestBatch toPart(Parsed p, Map<String, RegisteredMeter> meters, boolean counted) {
        List<IngestBatch.Incoming> readings = new ArrayList<>();
        List<IngestBatch.StatusReport> statuses = new ArrayList<>();
        List<IngestBatch.DeadLetter> letters = new ArrayList<>();
        addPart(p, meters, counted, readings, statuses, letters);
        return new IngestBatch(readings, statuses, letters);
    }

    /**
     * Adds the readings, status or dead letters of one message to the lists given; its dead letters are counted in
     * the metrics when {@code counted}.
     */
    private void addPart(
            Parsed p,
            Map<String, RegisteredMeter> meters,
            boolean counted,
            List<IngestBatch.Incoming> readings,
            List<IngestBatch.StatusReport> statuses,
            List<IngestBatch.DeadLetter> letters) {
        if (p.rejection() != null) {
            letters.add(letter(counted, p, p.payload(), p.rejection()));
            return;
        }
        RegisteredMeter meter = meters.get(p.topic().meter());
        PayloadParser.Rejection unregistered = null;
        if (meter == null || !meter.active()) {
            unregistered = new PayloadParser.Rejection(
                    "unregistered-meter", "meter '" + p.topic().meter() + "' is not registered (or not active)");
        } else if (!meter.isAt(p.topic().port(), p.topic().berth())) {
            unregistered = new PayloadParser.Rejection(
                    "unregistered-meter",
                    "meter '" + meter.code() + "' is not registered at berth '"
                            + p.topic().berth() + "' of port '" + p.topic().port() + "'");
        }
        if (p.status() != null) {
            if (unregistered != null) {
                letters.add(letter(counted, p, p.payload(), unregistered));
            } else {
                statuses.add(new IngestBatch.StatusReport(
                        meter, p.status().online(), p.status().ts()));
            }
            return;
        }
        if (unregistered != null) {
            letters.add(letter(counted, p, p.payload(), unregistered));
            return;
        }
        long registerLimit = registerLimitWh(meter);
        for (PayloadParser.Element e : p.elements()) {
            if (e.rejection() != null) {
                letters.add(letter(counted, p, e.json(), e.rejection()));
            } else if (e.reading().registerWh() >= registerLimit) {
                letters.add(letter(
                        counted,
                        p,
                        e.json() != null ? e.json() : p.payload(),
                        new PayloadParser.Rejection(
                                "invalid-value",
                                "'energyKwh' " + e.reading().registerWh() / 1000 + " kWh is not below the meter's"
                                        + " register modulus (" + registerLimit / 1000 + " kWh)")));
            } else {
                PayloadParser.ParsedReading r = e.reading();
                readings.add(new IngestBatch.Incoming(
                        meter, r.toReading(meter.code()), r.voltageV(), r.currentA(), r.frequencyHz(), p.receivedAt()));
            }
        }
    }

    /** Registers hold 10^12 kWh at most (the registry's largest modulus). */
    static final long REGISTER_MAX_WH = 1_000_000_000_000_000L;

    /**
     * Where a meter's register turns over: its registered modulus, else the largest a register holds. A reading at or
     * above it cannot be a reading of the meter (and a few such values, 16 digits of kWh each, would overflow the
     * meter's energy sums).
     */
    static long registerLimitWh(RegisteredMeter meter) {
        Long modulus = meter.profile().registerModulusWh();
        return modulus == null ? REGISTER_MAX_WH : Math.min(modulus, REGISTER_MAX_WH);
    }

    /** A dead letter of message {@code p} ({@code payload}: the message's, or one bad element's). */
    private IngestBatch.DeadLetter letter(
            boolean counted, Parsed p, String payload, PayloadParser.Rejection rejection) {
        if (counted) {
            countDeadLetter(rejection.kind());
        }
        String port = p.topic() == null
                ? PayloadParser.portOf(p.topicRaw())
                : p.topic().port();
        String meterCode = p.topic() == null ? null : p.topic().meter();
        return new IngestBatch.DeadLetter(p.topicRaw(), port, meterCode, payload, rejection.reason(), p.receivedAt());
    }

    private void countDeadLetter(String kind) {
        metrics.counter("shoreloop.ingest.dead.letters", "reason", kind).increment();
    }

    /**
     * Stores the parts (one per message, in the order of {@code messages}) as one batch; retries with backoff while
     * the database is unavailable. A batch refused for another reason (a row the database will never take), or failing
     * unexpectedly (a fault of Shoreloop's that some message brings out), is split into its messages, and a message
     * that fails on its own becomes a dead letter with its payload as it came, so that one message never blocks the
     * stream and nothing it carried is lost: once the cause is mended, the dead letter is replayed ({@link
     * DeadLetterReplay}), or its payload published again as it is.
     */
    private void storeAll(IngestBatch batch, List<Parsed> messages, Map<String, RegisteredMeter> meters)
            throws InterruptedException {
        long delay = config.retryDelay().toMillis();
        while (true) {
            try {
                record(store.store(batch));
                listening.release(io.shoreloop.shorepower.Listening.Hold.STORE_UNAVAILABLE, clock.instant());
                return;
            } catch (StoreUnavailable e) {
                batchFailures.increment();
                if (e.isTransient()) {
                    // messages wait although the connection is up: meters' silence does not count meanwhile
                    listening.hold(io.shoreloop.shorepower.Listening.Hold.STORE_UNAVAILABLE);
                } else {
                    LOG.warnf(
                            "A batch was refused (%s); storing its %d messages one by one",
                            e.reason(), messages.size());
                    storeEach(messages, meters);
                    return;
                }
                LOG.warnf("Database unavailable (%s); retrying the batch in %d ms", e.reason(), delay);
                sleep(delay);
                delay = Math.min(delay * 2, config.retryMaxDelay().toMillis());
            } catch (RuntimeException e) {
                batchFailures.increment();
                LOG.errorf(e, "A batch failed unexpectedly; storing its %d messages one by one", messages.size());
                storeEach(messages, meters);
                return;
            }
        }
    }

    /**
     * Each message on its own, its part made again (its dead letters were counted when the batch was made); in the order
     * they came.
     */
    private void storeEach(List<Parsed> messages, Map<String, RegisteredMeter> meters) throws InterruptedException {
        for (Parsed message : messages) {
            storeOne(toPart(message, meters, false), message);
        }
    }

    /**
     * Stores one message's part; a part refused or failing for a reason a retry does not cure is stored as the
     * message's dead letter instead. When the database refuses even that for good, the message is written to the log
     * (its payload in Base64) and acknowledged: retrying would hold its writer, and every meter it stores, for ever;
     * so is a message whose dead letter fails unexpectedly too.
     */
    private void storeOne(IngestBatch part, Parsed message) throws InterruptedException {
        long delay = config.retryDelay().toMillis();
        IngestBatch attempt = part;
        while (true) {
            try {
                record(store.store(attempt));
                return;
            } catch (StoreUnavailable e) {
                if (!e.isTransient() && attempt == part) {
                    attempt = asDeadLetter(part, message, new PayloadParser.Rejection("store-refused", e.reason()));
                    continue;
                }
                if (!e.isTransient()) {
                    unstorable(message, e);
                    return;
                }
                LOG.warnf("Database unavailable (%s); retrying in %d ms", e.reason(), delay);
                sleep(delay);
                delay = Math.min(delay * 2, config.retryMaxDelay().toMillis());
            } catch (RuntimeException e) {
                if (attempt != part) {
                    // not even its dead letter: left unacknowledged, it would hold back every later acknowledgement
                    // of the connection (the client sends them in the order the messages came)
                    unstorable(message, String.valueOf(e));
                    return;
                }
                LOG.errorf(e, "A message on %s failed unexpectedly; it goes to the dead letters", message.topicRaw());
                attempt = asDeadLetter(part, message, new PayloadParser.Rejection("store-failed", String.valueOf(e)));
            }
        }
    }

    /** A message whose dead letter the database refused for good: logged whole, counted, and let go. */
    private void unstorable(Parsed message, StoreUnavailable e) {
        unstorable(message, e.reason());
    }

    private void unstorable(Parsed message, String reason) {
        unstorable.increment();
        LOG.errorf(
                "The dead letter of a message on %s could not be stored (%s); the message is acknowledged and kept"
                        + " only in this log: payload (Base64) %s",
                PayloadParser.quoted(message.topicRaw()),
                reason,
                java.util.Base64.getEncoder().encodeToString(message.delivery().payload()));
    }

    /**
     * A batch the loop failed on outside {@link #storeAll}'s own handling (a fault of Shoreloop's own, such as a
     * meter's registration it cannot read): each message becomes a {@code store-failed} dead letter, kept whole for
     * its replay, or goes to the log if even that cannot be stored, and every one is acknowledged. Left
     * unacknowledged, the batch would hold back every later acknowledgement of the connection, and the broker would
     * stop sending once its in-flight window is spent: the whole ingest stalled by one fault.
     */
    private void abandon(Batch batch, RuntimeException cause) throws InterruptedException {
        PayloadParser.Rejection failed = new PayloadParser.Rejection("store-failed", String.valueOf(cause));
        for (Parsed p : batch.parsed) {
            // a bad message keeps its own reason (counted when the batch was made); a good one its whole payload
            IngestBatch.DeadLetter letter =
                    p.rejection() != null ? letter(false, p, p.payload(), p.rejection()) : wholeLetter(p, failed);
            IngestBatch asLetter = new IngestBatch(List.of(), List.of(), List.of(letter));
            long delay = config.retryDelay().toMillis();
            while (true) {
                try {
                    store.store(asLetter);
                    break;
                } catch (StoreUnavailable e) {
                    if (!e.isTransient()) {
                        unstorable(p, e);
                        break;
                    }
                    sleep(delay);
                    delay = Math.min(delay * 2, config.retryMaxDelay().toMillis());
                } catch (RuntimeException e) {
                    unstorable(p, String.valueOf(e));
                    break;
                }
            }
            p.delivery().acknowledge();
        }
        acknowledged.addAndGet(batch.size());
    }

    /**
     * The message as one dead letter, with its topic and payload as received (a status, a reading or a whole array),
     * beside the dead letters its own bad elements already made.
     */
    private IngestBatch asDeadLetter(IngestBatch part, Parsed message, PayloadParser.Rejection rejection) {
        List<IngestBatch.DeadLetter> letters = new ArrayList<>(part.deadLetters());
        if (!part.readings().isEmpty() || !part.statuses().isEmpty()) {
            letters.add(wholeLetter(message, rejection));
        }
        return new IngestBatch(List.of(), List.of(), letters);
    }

    /**
     * The dead letter of a good message the store failed on, its payload whole (it was read, so at most
     * max-payload-bytes): replayable once the cause is mended, also a backfill array of more than 64 KiB.
     */
    private IngestBatch.DeadLetter wholeLetter(Parsed message, PayloadParser.Rejection rejection) {
        IngestBatch.DeadLetter letter =
                letter(true, message, new String(message.delivery().payload(), StandardCharsets.UTF_8), rejection);
        return new IngestBatch.DeadLetter(
                letter.topic(),
                letter.portCode(),
                letter.meterCode(),
                letter.payload(),
                letter.reason(),
                letter.receivedAt(),
                true);
    }

    private void sleep(long millis) throws InterruptedException {
        if (!running) {
            // shutting down: leave the batch unacknowledged, the broker redelivers it to the session
            throw new InterruptedException("stopping");
        }
        resumeReadingIfDrained();
        Thread.sleep(millis);
    }

    private void record(IngestBatch.Outcome outcome) {
        storedReadings.increment(outcome.stored());
        duplicateReadings.increment(outcome.duplicates());
    }

    /** For tests: waits until the queue is drained (nothing received but not yet acknowledged), at most {@code max}. */
    boolean idle(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (queues.stream().allMatch(BlockingQueue::isEmpty)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
