package io.shoreloop.platform.idempotency;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes idempotency keys older than {@code shoreloop.idempotency.retention} (default seven days) every
 * {@code shoreloop.idempotency.purge-every} (default one hour), in batches of {@value #BATCH} keys, each in its own
 * short transaction (a backlog never holds locks for long). Every POST stores its key with the answer: without this,
 * the table would keep every answer ever given.
 */
@ApplicationScoped
public class IdempotencyPurge {

    private static final Logger LOG = Logger.getLogger(IdempotencyPurge.class);
    static final int BATCH = 5_000;

    private final Sql sql;
    private final ShoreloopConfig config;

    public IdempotencyPurge(Sql sql, ShoreloopConfig config) {
        this.sql = sql;
        this.config = config;
    }

    @Scheduled(
            every = "${shoreloop.idempotency.purge-every:1h}",
            delayed = "${shoreloop.idempotency.purge-delay:2m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            int deleted = purge();
            if (deleted > 0) {
                LOG.infof(
                        "Deleted %d idempotency key(s) older than %s",
                        deleted, config.idempotency().retention());
            }
        } catch (RuntimeException e) {
            LOG.warn("Idempotency key purge failed; it runs again at the next interval", e);
        }
    }

    /** Deletes every key older than the retention (by the database's clock, which stamped it); answers how many. */
    public int purge() {
        String retention = config.idempotency().retention().toString(); // ISO 8601, which PostgreSQL reads
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew()
                    .call(() -> sql.update(
                            "delete from idempotency_key where ctid = any (array(select ctid from idempotency_key"
                                    + " where created_at < now() - cast(? as interval) limit " + BATCH + "))",
                            retention));
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
