package io.shoreloop.manifest;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Marks manifests overdue when a deadline (receipt 2 h after declaration, pickup 72 h and disposal 30 days after
 * receipt; configurable) has passed, recording the event in the ledger. Runs every {@code shoreloop.manifest.
 * deadline-check} (default one minute) and drains the backlog in batches.
 */
@ApplicationScoped
public class DeadlineWatch {

    private static final Logger LOG = Logger.getLogger(DeadlineWatch.class);
    static final int BATCH = 500;

    private final ManifestService manifests;

    public DeadlineWatch(ManifestService manifests) {
        this.manifests = manifests;
    }

    @Scheduled(
            every = "${shoreloop.manifest.deadline-check:60s}",
            delayed = "${shoreloop.manifest.deadline-check-delay:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            int marked;
            int total = 0;
            do {
                marked = manifests.markOverdue(BATCH);
                total += marked;
            } while (marked == BATCH);
            if (total > 0) {
                LOG.infof("%d manifest(s) became overdue", total);
            }
        } catch (RuntimeException e) {
            LOG.warn("Deadline check failed; it runs again at the next interval", e);
        }
    }
}
