package io.shoreloop.ingest;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the MQTT broker: an MQTT CONNECT (clean, short-lived) succeeds within the configured time. The answer
 * is cached for a few seconds so that frequent probes do not load the broker.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ShoreloopConfig config;
    private volatile HealthCheckResponse last;
    private volatile long lastAt;

    public BrokerReadiness(ShoreloopConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse cached = last;
        if (cached != null && System.nanoTime() - lastAt < CACHE_NANOS) {
            return cached;
        }
        HealthCheckResponse response = probe();
        last = response;
        lastAt = System.nanoTime();
        return response;
    }

    private HealthCheckResponse probe() {
        ShoreloopConfig.Mqtt mqtt = config.mqtt();
        String endpoint = mqtt.host() + ":" + mqtt.port();
        Mqtt5ClientBuilder builder = MqttClient.builder()
                .useMqttVersion5()
                .identifier("shoreloop-health-" + UUID.randomUUID())
                .serverHost(mqtt.host())
                .serverPort(mqtt.port());
        if (mqtt.tls()) {
            builder = builder.sslWithDefaultConfig();
        }
        if (mqtt.username().isPresent()) {
            builder = builder.simpleAuth()
                    .username(mqtt.username().get())
                    .password(mqtt.password().orElse("").getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        Mqtt5BlockingClient client = builder.buildBlocking();
        try {
            client.toAsync()
                    .connectWith()
                    .cleanStart(true)
                    .send()
                    .get(mqtt.readinessTimeout().toMillis(), TimeUnit.MILLISECONDS);
            client.toAsync().disconnect();
            return HealthCheckResponse.named("MQTT broker")
                    .up()
                    .withData("endpoint", endpoint)
                    .build();
        } catch (Exception e) {
            client.toAsync().disconnect();
            return HealthCheckResponse.named("MQTT broker")
                    .down()
                    .withData("endpoint", endpoint)
                    .withData("error", e.getClass().getSimpleName())
                    .build();
        }
    }
}
