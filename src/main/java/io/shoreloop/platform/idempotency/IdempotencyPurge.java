package io.shoreloop.platform.idempotency;

import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.Purge;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Sql;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Deletes idempotency keys older than {@code shoreloop.idempotency.retention} (default seven days) every
 * {@code shoreloop.idempotency.purge-every} (default one hour), in batches of {@value Purge#BATCH} keys. Every POST
 * stores its key with the answer: without this, the table would keep every answer ever given.
 */
@Singleton
public class IdempotencyPurge extends Purge {

    private final ShoreloopConfig config;

    public IdempotencyPurge(Sql sql, ShoreloopConfig config) {
        super(sql, "idempotency_key", "ctid", "created_at");
        this.config = config;
    }

    @Override
    protected Duration retention() {
        return config.idempotency().retention();
    }

    @Override
    @Scheduled(
            every = "${shoreloop.idempotency.purge-every:1h}",
            delayed = "${shoreloop.idempotency.purge-delay:2m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    protected void scheduled() {
        super.scheduled();
    }
}
