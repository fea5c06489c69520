package io.shoreloop.ingest;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test that publishes as meters: a publisher connected to the test broker around each test. */
abstract class WithPublisher {

    Mqtt5BlockingClient mqtt;

    @BeforeEach
    void connect() {
        mqtt = MqttTestSupport.publisher();
    }

    @AfterEach
    void disconnect() {
        mqtt.disconnect();
    }
}
