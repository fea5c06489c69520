package io.shoreloop.sim;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes to an MQTT 5 broker with one client (one connection) per meter, as real meters do: each registers
 * {@code {"online":false}} on its status topic as a retained QoS 1 last will, and a simulated outage disconnects
 * with reason "disconnect with will message" so that the broker really publishes the will. Every publish is QoS 1;
 * before a meter drops off, its publishes are acknowledged.
 */
public final class MqttSink implements Sink {

    private final MqttOptions options;
    private final Map<String, Mqtt5AsyncClient> clients = new LinkedHashMap<>();
    private final Map<String, List<CompletableFuture<Mqtt5PublishResult>>> inFlight = new LinkedHashMap<>();
    private final Semaphore window = new Semaphore(2000);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public MqttSink(MqttOptions options) {
        this.options = options;
    }

    public long acknowledged() {
        return acked.get();
    }

    static Mqtt5ClientBuilder builder(MqttOptions o, String clientId) {
        Mqtt5ClientBuilder b = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost(o.host())
                .serverPort(o.port());
        if (o.tls()) {
            b = b.sslWithDefaultConfig();
        }
        if (o.username() != null) {
            var auth = com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth.builder().username(o.username());
            if (o.password() != null) {
                b = b.simpleAuth(auth.password(o.password().getBytes(StandardCharsets.UTF_8)).build());
            } else {
                b = b.simpleAuth(auth.build());
            }
        }
        return b;
    }

    @Override
    public void perform(Outgoing a) throws Exception {
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("publish failed: " + f.getMessage(), f);
        }
        switch (a.kind()) {
            case CONNECT -> connect(a);
            case PUBLISH -> publish(a);
            case DISCONNECT_WITH_WILL -> dropOff(a.client());
            case CALL -> {}
        }
    }

    private void connect(Outgoing a) throws Exception {
        Mqtt5AsyncClient client = clients.computeIfAbsent(
                a.client(), id -> builder(options, options.clientPrefix() + id).buildAsync());
        Mqtt5Connect connect = Mqtt5Connect.builder()
                .cleanStart(true)
                .keepAlive(30)
                .willPublish()
                .topic(a.topic())
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(a.payload().getBytes(StandardCharsets.UTF_8))
                .contentType("application/json")
                .applyWillPublish()
                .build();
        client.connect(connect).get(30, TimeUnit.SECONDS);
    }

    private void publish(Outgoing a) throws Exception {
        Mqtt5AsyncClient client = clients.get(a.client());
        if (client == null) {
            throw new IllegalStateException("meter " + a.client() + " publishes before connecting");
        }
        window.acquire();
        CompletableFuture<Mqtt5PublishResult> future = client.publish(Mqtt5Publish.builder()
                        .topic(a.topic())
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .retain(a.retain())
                        .payload(a.payload().getBytes(StandardCharsets.UTF_8))
                        .build())
                .whenComplete((r, e) -> {
                    window.release();
                    Throwable err = e != null ? e : r.getError().orElse(null);
                    if (err != null) {
                        failure.compareAndSet(null, err);
                    } else {
                        acked.incrementAndGet();
                    }
                });
        List<CompletableFuture<Mqtt5PublishResult>> list =
                inFlight.computeIfAbsent(a.client(), x -> new ArrayList<>());
        list.add(future);
        if (list.size() > 10_000) {
            list.removeIf(CompletableFuture::isDone);
        }
    }

    private void waitFor(String client) throws Exception {
        List<CompletableFuture<Mqtt5PublishResult>> list = inFlight.remove(client);
        if (list != null) {
            CompletableFuture.allOf(list.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("publish failed: " + f.getMessage(), f);
        }
    }

    private void dropOff(String id) throws Exception {
        Mqtt5AsyncClient client = clients.get(id);
        if (client == null) {
            return;
        }
        waitFor(id);
        client.disconnectWith()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send()
                .get(30, TimeUnit.SECONDS);
    }

    @Override
    public void flush() throws Exception {
        for (String id : new ArrayList<>(inFlight.keySet())) {
            waitFor(id);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            flush();
        } finally {
            for (Mqtt5AsyncClient c : clients.values()) {
                if (c.getState().isConnectedOrReconnect()) {
                    try {
                        c.disconnect().get(10, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // closing anyway
                    }
                }
            }
        }
    }
}
