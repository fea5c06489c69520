package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.shorepower.IngestBatch;
import io.shoreloop.shorepower.ShorePowerIngest;
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
    ShorePowerIngest shorePower;

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

    /**
     * Two instances that receive the same retained status at the same moment: each asked whether it was kept before
     * the other committed, and both kept it. The store is slowed here (a trigger sleeps before the letter's insert)
     * so that the two overlap every time.
     */
    @Test
    void twoInstancesStoringTheSameStatusAtOnceKeepOneDeadLetter() throws Exception {
        String code = "GONE-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "shorepower/v1/CQ-GY/B01/" + code + "/status";
        String function = "slow_letter_" + code.replace('-', '_').toLowerCase();
        try (Connection c = db.getConnection();
                var st = c.createStatement()) {
            st.execute("create function " + function + "() returns trigger language plpgsql as $$ begin"
                    + " if new.meter_code = '" + code + "' then perform pg_sleep(1); end if; return new; end $$");
            st.execute("create trigger " + function + " before insert on dead_letter for each row execute function "
                    + function + "()");
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            Instant now = Instant.now();
            IngestBatch batch = new IngestBatch(
                    java.util.List.of(),
                    java.util.List.of(),
                    java.util.List.of(new IngestBatch.DeadLetter(
                            topic,
                            "CQ-GY",
                            code,
                            "{\"online\":false}",
                            "unregistered-meter: meter '" + code + "' is not registered (or not active)",
                            now)));
            var start = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.Callable<IngestBatch.Outcome> store = () -> {
                start.await();
                return shorePower.store(batch);
            };
            var first = pool.submit(store);
            var second = pool.submit(store);
            start.countDown();
            first.get(30, java.util.concurrent.TimeUnit.SECONDS);
            second.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1, letters(topic), "one letter for the status both received");
        } finally {
            pool.shutdownNow();
            try (Connection c = db.getConnection();
                    var st = c.createStatement()) {
                st.execute("drop trigger " + function + " on dead_letter");
                st.execute("drop function " + function + "()");
            }
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
