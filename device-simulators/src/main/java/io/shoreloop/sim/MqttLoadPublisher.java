package io.shoreloop.sim;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Load-mode publisher: C MQTT 5 connections, QoS 1; a publish completes when the broker acknowledges it. */
final class MqttLoadPublisher implements Load.Publisher {

    private final List<Mqtt5AsyncClient> clients = new ArrayList<>();

    MqttLoadPublisher(MqttOptions options, int connections) throws Exception {
        for (int i = 0; i < connections; i++) {
            Mqtt5AsyncClient c = MqttSink.builder(options, options.clientPrefix() + "load-" + i).buildAsync();
            c.connectWith().cleanStart(true).keepAlive(30).send().get(30, TimeUnit.SECONDS);
            clients.add(c);
        }
    }

    @Override
    public CompletableFuture<?> publish(int connection, String topic, byte[] payload) {
        return clients.get(connection)
                .publish(Mqtt5Publish.builder()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(payload)
                        .build())
                .thenApply(r -> {
                    if (r.getError().isPresent()) {
                        throw new IllegalStateException(r.getError().get());
                    }
                    return r;
                });
    }

    @Override
    public void close() {
        for (Mqtt5AsyncClient c : clients) {
            try {
                c.disconnect().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
