package io.shoreloop.ingest;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.channel.Channel;
import io.reactivex.schedulers.Schedulers;
import io.shoreloop.platform.ShoreloopConfig;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Takes over the broker session of an instance that is gone (its client id), empties it through this instance's
 * writers and ends it, on a broker that queues a shared subscription's messages for members that are away (Mosquitto;
 * see {@link #needed}).
 *
 * <p>It connects with the gone instance's client id, resuming its session (clean start off), and at once removes the
 * session's subscriptions (the shared readings filter and the status filter), so that the broker routes nothing new to
 * it; what the session already holds (messages the gone instance had not acknowledged, and those queued for it while
 * it was away) arrives as on any connection and goes through {@link MqttIngest#receive}: parsed, batched, stored and
 * acknowledged only after its commit, exactly as this instance's own messages. Once everything received is
 * acknowledged and nothing came for {@code retire-quiet}, the session is ended (MQTT 5: disconnect with session
 * expiry 0; 3.1.1: a clean connect). Reading pauses while this instance has more than its {@code
 * max-pending-messages}, {@code max-pending-readings} or {@code max-pending-bytes} waiting, until half of them are
 * done, as the own connection does.
 *
 * <p>If the gone instance comes back meanwhile, its connect takes the session over (the broker closes this
 * connection): the adoption stops without ending anything, and what it had not acknowledged is sent to its owner
 * again. The same when this instance stops, the broker goes away or {@code retire-timeout} passes.
 */
final class SessionAdoption {

    private static final Logger LOG = Logger.getLogger(SessionAdoption.class);
    private static final long POLL_MILLIS = 50;

    /** What an adoption came to. */
    record Result(boolean ended, boolean sessionPresent, long messages, String reason) {}

    private final ShoreloopConfig.Mqtt config;
    private final BrokerClients clients;
    private final MqttIngest ingest;

    SessionAdoption(ShoreloopConfig.Mqtt config, BrokerClients clients, MqttIngest ingest) {
        this.config = config;
        this.clients = clients;
        this.ingest = ingest;
    }

    /** Whether this broker queues for absent shared-subscription members, once known (null: not yet). */
    private volatile Boolean queuesForAbsentMembers;

    /**
     * Whether gone instances' sessions are to be adopted on this broker ({@code adopt-sessions}): with {@code auto},
     * only where the broker announces itself as Mosquitto in its retained {@code $SYS/broker/version}, which queues a
     * shared subscription's messages for members that are away; asked once, until the answer is known. Null while the
     * broker could not be asked (nothing is decided then: the gone instance is looked at again later).
     */
    Boolean needed(BrokerClients.Protocol protocol) throws InterruptedException {
        switch (config.adoptSessions()) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
                break;
        }
        Boolean known = queuesForAbsentMembers;
        if (known == null) {
            known = announcesMosquitto(protocol);
            if (known != null) {
                queuesForAbsentMembers = known;
                LOG.infof(
                        "The broker %s: gone instances' sessions are %s (shoreloop.mqtt.adopt-sessions=auto)",
                        known ? "announces Mosquitto, which queues for absent shared members" : "is not Mosquitto",
                        known ? "adopted and ended" : "left to expire");
            }
        }
        return known;
    }

    /**
     * Whether the broker's retained {@code $SYS/broker/version} names Mosquitto: true or false once the subscription
     * was answered (refused, or no such message within a few seconds: not Mosquitto), null when the broker could not be
     * asked (asked again next time).
     */
    private Boolean announcesMosquitto(BrokerClients.Protocol protocol) throws InterruptedException {
        String id = "shoreloop-probe-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        java.util.concurrent.CompletableFuture<String> version = new java.util.concurrent.CompletableFuture<>();
        long millis = config.readinessTimeout().toMillis();
        if (protocol == BrokerClients.Protocol.MQTT_3_1_1) {
            Mqtt3AsyncClient c = clients.mqtt3(id).buildAsync();
            c.publishes(MqttGlobalPublishFilter.ALL, p -> version.complete(text(p.getPayloadAsBytes())));
            return probe(
                    () -> c.connectWith().cleanSession(true).send(),
                    () -> c.subscribeWith().topicFilter(SYS_VERSION).send(),
                    () -> c.disconnect().exceptionally(x -> null),
                    version,
                    millis);
        }
        Mqtt5AsyncClient c = clients.mqtt5(id).buildAsync();
        c.publishes(MqttGlobalPublishFilter.ALL, p -> version.complete(text(p.getPayloadAsBytes())));
        return probe(
                () -> c.connectWith().cleanStart(true).send(),
                () -> c.subscribeWith().topicFilter(SYS_VERSION).send(),
                () -> c.disconnect().exceptionally(x -> null),
                version,
                millis);
    }

    /** Connects, subscribes to the version and waits for it (see {@link #announcesMosquitto}). */
    private static Boolean probe(
            java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> connect,
            java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> subscribe,
            Runnable disconnect,
            java.util.concurrent.CompletableFuture<String> version,
            long millis)
            throws InterruptedException {
        try {
            connect.get().get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            disconnect.run();
            return null;
        }
        try {
            try {
                subscribe.get().get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // refused (a broker without $SYS): not Mosquitto; anything else (the connection lost): not known
                return e.getCause() instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException
                                || e.getCause() instanceof com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException
                        ? Boolean.FALSE
                        : null;
            } catch (TimeoutException e) {
                return null;
            }
            try {
                return mosquitto(version.get(SYS_WAIT_MILLIS, TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // subscribed, and no version came: not Mosquitto
                return false;
            }
        } finally {
            disconnect.run();
        }
    }

    private static final String SYS_VERSION = "$SYS/broker/version";

    /** How long a retained {@code $SYS/broker/version} may take to arrive after the subscription. */
    private static final long SYS_WAIT_MILLIS = 3_000;

    private static String text(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean mosquitto(String version) {
        return version.toLowerCase(java.util.Locale.ROOT).contains("mosquitto");
    }

    /** Adopts, empties and ends the session of {@code clientId}; blocks until done or given up. */
    Result adopt(String clientId, BrokerClients.Protocol protocol) throws InterruptedException {
        Tally tally = new Tally();
        MqttClientBuilder base = clients.base(clientId)
                // as the own connection: the callback only parses and enqueues, on the client's thread
                .executorConfig()
                .applicationScheduler(Schedulers.from(Runnable::run))
                .applyExecutorConfig()
                .addDisconnectedListener(ctx -> tally.closed.compareAndSet(null, ctx.getCause()));
        Duration step = config.readinessTimeout();
        Connection connection = protocol == BrokerClients.Protocol.MQTT_3_1_1
                ? new Three(clientId, base, tally, step)
                : new Five(base, tally, step);
        boolean present;
        try {
            present = connection.resume();
        } catch (ExecutionException | TimeoutException e) {
            connection.leave();
            return new Result(false, false, tally.received.get(), "connect failed: " + e);
        }
        String why = awaitEmptied(connection.config(), tally);
        if (why != null) {
            // left as it is: what was not acknowledged goes again to whoever resumes the session
            connection.leave();
            return new Result(false, present, tally.received.get(), why);
        }
        try {
            connection.end();
        } catch (ExecutionException | TimeoutException e) {
            return new Result(false, present, tally.received.get(), "ending the session failed: " + e);
        }
        return new Result(true, present, tally.received.get(), null);
    }

    /** What came from the adopted session, what of it is acknowledged, when the last came, why the connection closed. */
    private static final class Tally {
        final AtomicLong received = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong lastAt = new AtomicLong(System.nanoTime());
        final AtomicReference<Throwable> closed = new AtomicReference<>();

        /** Hands a message of the session to the ingest, its acknowledgement counted. */
        <P> void take(MqttIngest ingest, String topic, P publish, Function<P, byte[]> payloadOf, Consumer<P> ack) {
            received.incrementAndGet();
            lastAt.set(System.nanoTime());
            ingest.receive(topic, new MqttIngest.Publish<>(publish, payloadOf, p -> {
                ack.accept(p);
                acknowledged.incrementAndGet();
            }));
        }
    }

    /** The adopting connection in one protocol version. */
    private interface Connection {
        /** Connects resuming the session and removes its subscriptions; answers whether the broker had the session. */
        boolean resume() throws ExecutionException, TimeoutException, InterruptedException;

        com.hivemq.client.mqtt.MqttClientConfig config();

        /** Disconnects, the session kept. */
        void leave();

        /** Disconnects and ends the session. */
        void end() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private final class Five implements Connection {
        private final Mqtt5AsyncClient client;
        private final long millis;

        Five(MqttClientBuilder base, Tally tally, Duration step) {
            this.client = clients.mqtt5(base).buildAsync();
            this.millis = step.toMillis();
            client.publishes(
                    MqttGlobalPublishFilter.ALL,
                    p -> tally.take(
                            ingest,
                            p.getTopic().toString(),
                            p,
                            Mqtt5Publish::getPayloadAsBytes,
                            Mqtt5Publish::acknowledge),
                    true);
        }

        @Override
        public boolean resume() throws ExecutionException, TimeoutException, InterruptedException {
            // the session kept while it is emptied: should this instance die now, it and what it holds stay
            boolean present = MqttIngest.resume(client, config)
                    .get(millis, TimeUnit.MILLISECONDS)
                    .isSessionPresent();
            client.unsubscribeWith()
                    .topicFilter(ingest.readings())
                    .addTopicFilter(MqttIngest.STATUS)
                    .send()
                    .get(millis, TimeUnit.MILLISECONDS);
            return present;
        }

        @Override
        public com.hivemq.client.mqtt.MqttClientConfig config() {
            return client.getConfig();
        }

        @Override
        public void leave() {
            client.disconnect().exceptionally(x -> null);
        }

        @Override
        public void end() throws ExecutionException, TimeoutException, InterruptedException {
            client.disconnectWith().sessionExpiryInterval(0).send().get(millis, TimeUnit.MILLISECONDS);
        }
    }

    private final class Three implements Connection {
        private final String clientId;
        private final Mqtt3AsyncClient client;
        private final long millis;

        Three(String clientId, MqttClientBuilder base, Tally tally, Duration step) {
            this.clientId = clientId;
            this.client = clients.mqtt3(base).buildAsync();
            this.millis = step.toMillis();
            client.publishes(
                    MqttGlobalPublishFilter.ALL,
                    p -> tally.take(
                            ingest,
                            p.getTopic().toString(),
                            p,
                            Mqtt3Publish::getPayloadAsBytes,
                            Mqtt3Publish::acknowledge),
                    true);
        }

        @Override
        public boolean resume() throws ExecutionException, TimeoutException, InterruptedException {
            boolean present = client.connectWith()
                    .cleanSession(false)
                    .send()
                    .get(millis, TimeUnit.MILLISECONDS)
                    .isSessionPresent();
            client.unsubscribeWith()
                    .topicFilter(ingest.readings())
                    .addTopicFilter(MqttIngest.STATUS)
                    .send()
                    .get(millis, TimeUnit.MILLISECONDS);
            return present;
        }

        @Override
        public com.hivemq.client.mqtt.MqttClientConfig config() {
            return client.getConfig();
        }

        @Override
        public void leave() {
            client.disconnect().exceptionally(x -> null);
        }

        @Override
        public void end() throws ExecutionException, TimeoutException, InterruptedException {
            client.disconnect().get(millis, TimeUnit.MILLISECONDS);
            // 3.1.1 ends a session only by a connect with clean session
            Mqtt3AsyncClient clean = clients.mqtt3(clientId).buildAsync();
            clean.connectWith().cleanSession(true).send().get(millis, TimeUnit.MILLISECONDS);
            clean.disconnect().get(millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Waits until every message received from the session is acknowledged and nothing came for {@code retire-quiet};
     * pauses reading while this instance has too much waiting. Answers null then, else why it gave up.
     */
    private String awaitEmptied(com.hivemq.client.mqtt.MqttClientConfig client, Tally tally)
            throws InterruptedException {
        long end = System.nanoTime() + config.retireTimeout().toNanos();
        Channel channel = MqttIngest.channelOf(client);
        boolean paused = false;
        while (true) {
            Throwable cause = tally.closed.get();
            if (cause != null) {
                return "the connection closed (" + cause + ")";
            }
            if (!ingest.ingesting()) {
                return "this instance stopped ingesting";
            }
            if (System.nanoTime() > end) {
                return "not emptied within " + config.retireTimeout();
            }
            if (channel != null && !paused && ingest.pendingFull()) {
                channel.eventLoop().execute(() -> channel.config().setAutoRead(false));
                paused = true;
            } else if (channel != null && paused && ingest.pendingDrained()) {
                channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
                paused = false;
            }
            if (!paused
                    && tally.acknowledged.get() == tally.received.get()
                    && System.nanoTime() - tally.lastAt.get()
                            > config.retireQuiet().toNanos()) {
                return null;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    static void log(String clientId, Result r) {
        if (r.ended()) {
            LOG.infof(
                    "Adopted the MQTT session of gone instance '%s' (%s): stored %d message(s) it held, session ended",
                    clientId, r.sessionPresent() ? "present" : "none on the broker", r.messages());
        } else {
            LOG.warnf(
                    "Adoption of the MQTT session of '%s' stopped after %d message(s): %s; it is tried again later",
                    clientId, r.messages(), r.reason());
        }
    }
}
