package io.shoreloop.ingest;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.shoreloop.platform.ShoreloopConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds MQTT clients for the configured broker (host, port, TLS, credentials) in either protocol version, and finds
 * out which version the broker speaks: MQTT 5 first, 3.1.1 when the broker refuses 5.
 *
 * <p>A broker that only speaks 3.1.1 answers an MQTT 5 CONNECT with the 3.1.1 return code "unacceptable protocol
 * version" (which an MQTT 5 client cannot even decode) or simply closes the connection; a broker that speaks 5 but
 * refuses the client for another reason (credentials, quota) answers with an MQTT 5 reason code. Only the first kind
 * of answer makes Shoreloop fall back to 3.1.1.
 */
public final class BrokerClients {

    /** The MQTT protocol version to speak. */
    public enum Protocol {
        /** MQTT 5, falling back to 3.1.1 when the broker refuses 5. */
        AUTO,
        MQTT_5,
        MQTT_3_1_1
    }

    /** What a probe connect found out. */
    public enum Answer {
        /** Connected with the version asked for. */
        CONNECTED,
        /** Nothing listens there (or not in time): the version is still unknown. */
        UNREACHABLE,
        /** The broker speaks the version but refused this client (credentials, quota): falling back will not help. */
        REFUSED,
        /** The connection was made but the broker refused or dropped the protocol version. */
        VERSION_REFUSED
    }

    private final ShoreloopConfig.Mqtt config;
    private final Protocol configured;

    public BrokerClients(ShoreloopConfig.Mqtt config) {
        this.config = config;
        this.configured = protocol(config.protocol());
    }

    /** Parses {@code shoreloop.mqtt.protocol}. */
    static Protocol protocol(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Protocol.AUTO;
            case "5", "5.0", "mqtt5" -> Protocol.MQTT_5;
            case "3.1.1", "3", "mqtt3" -> Protocol.MQTT_3_1_1;
            default ->
                throw new IllegalArgumentException(
                        "shoreloop.mqtt.protocol must be auto, 5 or 3.1.1, not '" + value + "'");
        };
    }

    public Protocol configured() {
        return configured;
    }

    public String endpoint() {
        return config.host() + ":" + config.port();
    }

    /** Identifier, host, port and TLS: what both protocol versions share. */
    public MqttClientBuilder base(String clientId) {
        MqttClientBuilder builder = MqttClient.builder()
                .identifier(clientId)
                .serverHost(config.host())
                .serverPort(config.port());
        return config.tls() ? builder.sslWithDefaultConfig() : builder;
    }

    public Mqtt5ClientBuilder mqtt5(String clientId) {
        return mqtt5(base(clientId));
    }

    /** The shared settings in MQTT 5, with the credentials when configured. */
    public Mqtt5ClientBuilder mqtt5(MqttClientBuilder base) {
        Mqtt5ClientBuilder builder = base.useMqttVersion5();
        return config.username().isEmpty()
                ? builder
                : builder.simpleAuth()
                        .username(config.username().get())
                        .password(password())
                        .applySimpleAuth();
    }

    public Mqtt3ClientBuilder mqtt3(String clientId) {
        return mqtt3(base(clientId));
    }

    /** The shared settings in MQTT 3.1.1, with the credentials when configured. */
    public Mqtt3ClientBuilder mqtt3(MqttClientBuilder base) {
        Mqtt3ClientBuilder builder = base.useMqttVersion3();
        return config.username().isEmpty()
                ? builder
                : builder.simpleAuth()
                        .username(config.username().get())
                        .password(password())
                        .applySimpleAuth();
    }

    private byte[] password() {
        return config.password().orElse("").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The version to use with the broker: the configured one, or for {@link Protocol#AUTO} the one a short clean
     * connect succeeds with (5 first). Returns {@code null} while the broker cannot be reached, so that the caller
     * probes again later.
     */
    public Protocol negotiate(Duration timeout) {
        if (configured != Protocol.AUTO) {
            return configured;
        }
        Answer five = probe(Protocol.MQTT_5, timeout);
        if (five == Answer.CONNECTED || five == Answer.REFUSED) {
            return Protocol.MQTT_5;
        }
        if (five == Answer.UNREACHABLE) {
            return null;
        }
        Answer three = probe(Protocol.MQTT_3_1_1, timeout);
        if (three == Answer.CONNECTED || three == Answer.REFUSED) {
            return Protocol.MQTT_3_1_1;
        }
        return null;
    }

    /** A clean, short-lived connect with a random client id in the given version, disconnected at once. */
    public Answer probe(Protocol protocol, Duration timeout) {
        String id = "shoreloop-probe-" + UUID.randomUUID();
        Mqtt3AsyncClient client3 = null;
        Mqtt5AsyncClient client5 = null;
        try {
            if (protocol == Protocol.MQTT_3_1_1) {
                client3 = mqtt3(id).buildAsync();
                client3.connectWith().cleanSession(true).send().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                client5 = mqtt5(id).buildAsync();
                client5.connectWith().cleanStart(true).send().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return Answer.CONNECTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.UNREACHABLE;
        } catch (TimeoutException e) {
            return Answer.UNREACHABLE;
        } catch (ExecutionException e) {
            return classify(e.getCause());
        } finally {
            // also stops a connect still in progress after a timeout; a failed or closed client ignores it
            if (client3 != null) {
                client3.disconnect().exceptionally(e -> null);
            }
            if (client5 != null) {
                client5.disconnect().exceptionally(e -> null);
            }
        }
    }

    static Answer classify(Throwable failure) {
        if (failure instanceof ConnectionFailedException) {
            return Answer.UNREACHABLE;
        }
        if (failure instanceof Mqtt5ConnAckException refused) {
            return refused.getMqttMessage().getReasonCode() == Mqtt5ConnAckReasonCode.UNSUPPORTED_PROTOCOL_VERSION
                    ? Answer.VERSION_REFUSED
                    : Answer.REFUSED;
        }
        if (failure instanceof com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException refused) {
            return refused.getMqttMessage().getReturnCode()
                            == com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode
                                    .UNSUPPORTED_PROTOCOL_VERSION
                    ? Answer.VERSION_REFUSED
                    : Answer.REFUSED;
        }
        // connected, then closed or answered something this version cannot decode
        return Answer.VERSION_REFUSED;
    }
}
