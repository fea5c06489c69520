package io.shoreloop.report;

import io.quarkus.scheduler.Scheduled;
import io.shoreloop.manifest.ManifestNoted;
import io.shoreloop.manifest.StepSigned;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * Keeps the closure read model ({@code report_manifest_fact}, {@code report_closure}, {@code report_closure_vessel};
 * see {@code V5__reports.sql}) up to date in the transaction that changed a manifest: every signed step, missed
 * deadline and opened discrepancy replaces the manifest's previous contribution with its current one. The database
 * function {@code report_apply} derives the contribution from the manifest tables with the same view that
 * {@code report_rebuild} uses, so the incremental and the rebuilt read model agree by construction.
 *
 * <p>The signing transaction only appends delta rows (it never waits for another signing's lock on a shared
 * aggregate row); {@link #compact()} folds them into the aggregates every {@code shoreloop.report.compact-every}, and
 * readers add the deltas still pending, so reports are exact at any moment.
 */
@ApplicationScoped
public class ClosureReadModel {

    private final EntityManager em;

    public ClosureReadModel(EntityManager em) {
        this.em = em;
    }

    void onStepSigned(@Observes StepSigned event) {
        apply(event.manifestId());
    }

    void onNoted(@Observes ManifestNoted event) {
        if (event instanceof ManifestNoted.DeadlineMissed || event instanceof ManifestNoted.DiscrepancyOpened) {
            apply(event.manifestId());
        }
    }

    private void apply(UUID manifestId) {
        // the aggregate's changes (overdue flag, quantities) must be in the database before the function reads them
        em.flush();
        em.createNativeQuery("select report_apply(:id)")
                .setParameter("id", manifestId)
                .getSingleResult();
    }

    /** Folds the committed delta rows into the aggregates. */
    @Scheduled(
            every = "${shoreloop.report.compact-every:5s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void compact() {
        em.createNativeQuery("select report_compact()").getSingleResult();
    }

    /** Recomputes the read model from the manifest tables; answers the number of manifests it covers. */
    long rebuild() {
        return ((Number) em.createNativeQuery("select report_rebuild()").getSingleResult()).longValue();
    }
}
