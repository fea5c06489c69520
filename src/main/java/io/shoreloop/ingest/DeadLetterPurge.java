package io.shoreloop.ingest;

import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.Purge;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Sql;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Deletes dead letters received longer ago than {@code shoreloop.mqtt.dead-letter-retention} (default 90 days),
 * replayed or not, every {@code shoreloop.mqtt.dead-letter-purge-every} (default one hour).
 */
@Singleton
public class DeadLetterPurge extends Purge {

    private final ShoreloopConfig config;

    public DeadLetterPurge(Sql sql, ShoreloopConfig config) {
        super(sql, "dead_letter", "id", "received_at");
        this.config = config;
    }

    @Override
    protected Duration retention() {
        return config.mqtt().deadLetterRetention();
    }

    @Override
    @Scheduled(
            every = "${shoreloop.mqtt.dead-letter-purge-every:1h}",
            delayed = "${shoreloop.mqtt.dead-letter-purge-delay:3m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    protected void scheduled() {
        super.scheduled();
    }
}
