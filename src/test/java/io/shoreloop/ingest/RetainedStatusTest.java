package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The broker sends every retained status again at each subscription, so the retained status of a meter nobody
 * registered (one taken out of service, its last status left on the broker) became a new dead letter at every
 * reconnection of every instance. A status message already kept as a dead letter is not kept again; another status
 * of the same meter is.
 */
@QuarkusTest
class RetainedStatusTest extends WithPublisher {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    MqttIngest ingest;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Test
    void theRetainedStatusOfAnUnregisteredMeterIsOneDeadLetterHoweverOftenTheBrokerSendsIt() throws Exception {
        String topic =
                "shorepower/v1/CQ-GY/B01/GONE-" + UUID.randomUUID().toString().substring(0, 8) + "/status";
        publish(mqtt, topic, "{\"online\":false,\"ts\":\"" + Instant.now() + "\"}", true);
        try {
            await("the status kept as a dead letter", WAIT, () -> letters(topic) == 1);

            // a reconnection: the broker sends the retained status again at the subscription
            ingest.stop();
            ingest.start();
            await("subscribed again", WAIT, ingest::subscribed);
            // another status of the meter, sent after the retained one: once it is kept, the retained one was handled
            // (a meter's messages are stored in the order they came)
            publish(mqtt, topic, "{\"online\":true,\"ts\":\"" + Instant.now() + "\"}");
            await("the new status kept", WAIT, () -> letters(topic) >= 2);
            // the broker may send the retained status after the new one (HiveMQ sends retained messages after the
            // subscription's acknowledgement): a few seconds for it to come, and to be kept again or not
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < end) {
                assertEquals(2, letters(topic), "the retained status once, the new one once");
                Thread.sleep(100);
            }
        } finally {
            publish(mqtt, topic, "", true); // the retained message cleared
        }
    }

    private long letters(String topic) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from dead_letter where topic = ?")) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
