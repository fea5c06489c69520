package io.shoreloop.ingest;

import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the MQTT broker: an MQTT CONNECT (clean, short-lived, in the configured protocol version or, for
 * {@code auto}, 5 then 3.1.1) succeeds within the configured time. The answer
 * is cached for a few seconds so that frequent probes do not load the broker.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ShoreloopConfig config;
    private final BrokerClients clients;
    private volatile HealthCheckResponse last;
    private volatile long lastAt;

    public BrokerReadiness(ShoreloopConfig config) {
        this.config = config;
        this.clients = new BrokerClients(config.mqtt());
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
        Duration timeout = config.mqtt().readinessTimeout();
        BrokerClients.Protocol protocol = clients.configured() == BrokerClients.Protocol.AUTO
                ? BrokerClients.Protocol.MQTT_5
                : clients.configured();
        BrokerClients.Answer answer = clients.probe(protocol, timeout);
        if (answer == BrokerClients.Answer.VERSION_REFUSED && clients.configured() == BrokerClients.Protocol.AUTO) {
            protocol = BrokerClients.Protocol.MQTT_3_1_1;
            answer = clients.probe(protocol, timeout);
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named("MQTT broker")
                .status(answer == BrokerClients.Answer.CONNECTED)
                .withData("endpoint", clients.endpoint())
                .withData("protocol", protocol == BrokerClients.Protocol.MQTT_5 ? "5" : "3.1.1");
        if (answer != BrokerClients.Answer.CONNECTED) {
            response = response.withData("error", answer.name());
        }
        return response.build();
    }
}
