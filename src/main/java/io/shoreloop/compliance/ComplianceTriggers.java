package io.shoreloop.compliance;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.calls.CallChanged;
import io.shoreloop.manifest.ManifestAction;
import io.shoreloop.manifest.StepSigned;
import io.shoreloop.registry.FaultRecorded;
import io.shoreloop.registry.MasterDataChanged;
import io.shoreloop.shorepower.SessionsMatched;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * When a call's verdicts are recomputed: synchronously, inside the transaction that changed an input (so the
 * verdicts commit with the change or not at all) — a call registered or changed, a berth fault recorded; shortly
 * after a manifest step that changes what the vessel handed over, or shore-power sessions matched to the call (marked
 * in that transaction, recomputed once per call by {@link ComplianceQueue}); and by a sweep for calls whose verdicts are missing or predate
 * their recorded departure (demo data loaded by SQL, calls from before this feature).
 */
@ApplicationScoped
class ComplianceTriggers {

    private static final Logger LOG = Logger.getLogger(ComplianceTriggers.class);
    static final int SWEEP_BATCH = 200;

    /** Steps that change a manifest's handed-over quantity or whether it counts; pickup and disposal do not. */
    static final Set<ManifestAction> RELEVANT_STEPS = EnumSet.of(
            ManifestAction.DRAFT,
            ManifestAction.DECLARE,
            ManifestAction.RECEIVE,
            ManifestAction.REFUSE,
            ManifestAction.CANCEL,
            ManifestAction.CORRECT);

    private final ComplianceService compliance;
    private final ComplianceQueue queue;
    private final EntityManager em;

    ComplianceTriggers(ComplianceService compliance, ComplianceQueue queue, EntityManager em) {
        this.compliance = compliance;
        this.queue = queue;
        this.em = em;
    }

    void onCallChanged(@Observes CallChanged event) {
        queue.bringForward(event.callId());
        compliance.recompute(event.callId());
    }

    /**
     * In the signing transaction: marks the manifest's call for recomputation (see {@link ComplianceQueue}); a
     * manifest step never waits for, nor fails because of, a verdict, and steps on the same call within the debounce
     * delay cost one recomputation.
     */
    void onStepSigned(@Observes StepSigned event) {
        if (RELEVANT_STEPS.contains(event.action())) {
            queue.mark(event.manifestId());
        }
    }

    /**
     * A vessel's or berth's master data changed: its recent calls are marked and judged again shortly after the change
     * committed (many calls may be concerned; the change itself does not wait for them).
     */
    void onMasterDataChanged(@Observes MasterDataChanged event) {
        int marked = queue.markCallsOf(event);
        LOG.debugf("%s %s changed: %d call(s) to judge again", event.kind(), event.id(), marked);
    }

    @SuppressWarnings("unchecked")
    void onFaultRecorded(@Observes FaultRecorded event) {
        Instant end = event.end() == null ? Instant.parse("9999-12-31T00:00:00Z") : event.end();
        List<UUID> calls = em.createNativeQuery(
                        "select id from vessel_call where berth_id = ?1 and arrival < ?2"
                                + " and (departure is null or departure > ?3)",
                        UUID.class)
                .setParameter(1, event.berthId())
                .setParameter(2, end)
                .setParameter(3, event.start())
                .getResultList();
        compliance.recompute(calls);
    }

    /** In the transaction that stored the matches: marks the calls, recomputed shortly after (debounced). */
    void onSessionsMatched(@Observes SessionsMatched event) {
        queue.markCalls(event.callIds());
    }

    @Scheduled(
            every = "${shoreloop.compliance.sweep-every:5m}",
            delayed = "${shoreloop.compliance.sweep-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            int total = 0;
            List<UUID> stale;
            do {
                stale = compliance.stale(SWEEP_BATCH);
                for (UUID call : stale) {
                    QuarkusTransaction.requiringNew().run(() -> compliance.recompute(call));
                }
                total += stale.size();
            } while (stale.size() == SWEEP_BATCH && total < 10 * SWEEP_BATCH);
            if (total > 0) {
                LOG.infof("Compliance sweep recomputed %d call(s)", total);
            }
        } catch (RuntimeException e) {
            LOG.warn("Compliance sweep failed; it runs again at the next interval", e);
        }
    }
}
