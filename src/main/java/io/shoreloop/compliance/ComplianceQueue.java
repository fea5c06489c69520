package io.shoreloop.compliance;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.registry.MasterDataChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Recomputes the verdicts of calls marked in {@code compliance_pending} by manifest steps (and by shore-power sessions
 * matched to them): after the step committed,
 * off the request thread, once per call however many steps marked it within the debounce delay
 * ({@code shoreloop.compliance.debounce}, 2 s; marks are polled every {@code shoreloop.compliance.pending-poll}, 1 s). A mark is written in the signing
 * transaction ({@link #mark}), so a step that committed always gets its verdict recomputed, also after a crash or by
 * another instance. The worker takes the due marks (up to 100 at a time) with {@code for update skip locked} in the
 * transaction that recomputes their calls and deletes the marks, so that a step still in flight on a call (it holds
 * the mark's row lock until it commits) is recomputed in a later round, and two instances never recompute the same mark
 * at once. The calls taken together are read in one round trip and written in another (one by one, they were about ten
 * round trips each, and at full load in {@code bench/manifests} the worker fell thousands of calls behind). When the
 * round fails, the calls are taken again one by one; a recompute that fails alone keeps its mark and is retried with
 * backoff.
 */
@ApplicationScoped
class ComplianceQueue {

    private static final Logger LOG = Logger.getLogger(ComplianceQueue.class);
    private static final int BATCH = 100;

    private final ComplianceService compliance;
    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final io.shoreloop.platform.Sql sql;
    private final long idleMillis;
    private final long debounceMillis;
    private final long atBerthMillis;
    private final long masterDataWindowSeconds;
    private volatile boolean running;
    private Thread worker;

    ComplianceQueue(
            ComplianceService compliance,
            EntityManager em,
            AgroalDataSource dataSource,
            io.shoreloop.platform.Sql sql,
            ShoreloopConfig config) {
        this.sql = sql;
        this.debounceMillis = config.compliance().debounce().toMillis();
        this.atBerthMillis = config.compliance().atBerthDelay().toMillis();
        this.masterDataWindowSeconds = config.compliance().masterDataWindow().toSeconds();
        this.compliance = compliance;
        this.em = em;
        this.dataSource = dataSource;
        this.idleMillis = config.compliance().pendingPoll().toMillis();
    }

    /**
     * Marks the manifest's call, in the caller's (signing) transaction, due after the debounce delay. A call already
     * marked keeps its due time (further steps never postpone it), so a verdict lags its inputs by at most the delay
     * plus one recomputation, and a busy call costs one recomputation per delay. Only what the vessel handed over
     * changed: unless the call is marked for shore-power inputs too, its shore-power verdict is not judged again.
     */
    void mark(UUID manifestId) {
        sql.defer(
                "insert into compliance_pending (call_id, not_before, shore_power) select call_id, now() + ? *"
                        + " interval '1 millisecond', false from manifest where id = ? on conflict (call_id) do update"
                        + " set marked_at = now()",
                debounceMillis,
                manifestId);
    }

    /**
     * Marks these calls, in the caller's transaction (the one that stored their shore-power sessions), due after the
     * debounce delay, as {@link #mark} does: a meter reporting every few seconds costs its call one recomputation per
     * delay, not one per batch. A call still at berth (no departure, as committed when the mark is written) is due only
     * after {@code shoreloop.compliance.at-berth-delay} (10 min): its shore-power duty is pending whatever the sessions,
     * so judging it again changes nothing ({@link CallFacts} does not even read them); it is marked all the same, so
     * that a departure recorded while this transaction is in flight waits for it and then brings the mark forward
     * ({@link #bringForward}), and the call is judged with these sessions. In a fixed order, so that two ingest
     * writers marking the same calls wait for each other rather than deadlock. A mark already there for shore power
     * and due no later is left as it is, but locked all the same (an {@code on conflict do update} locks the rows its
     * condition skips), so that the queue does not take it before this transaction commits: marking a call every batch
     * had rewritten its row every batch (6.9 ms a batch with 5,000 meters; a lock writes no new row version).
     */
    void markCalls(java.util.Collection<UUID> calls) {
        em.createNativeQuery("insert into compliance_pending (call_id, not_before) select c, now() + case when exists"
                        + " (select 1 from vessel_call v where v.id = c and v.departure is null) then ?3 else ?2 end"
                        + " * interval '1 millisecond' from unnest(cast(?1 as uuid[])) c on conflict (call_id) do"
                        + " update set marked_at = now(), shore_power = true, not_before ="
                        + " least(compliance_pending.not_before, excluded.not_before) where not"
                        + " compliance_pending.shore_power or excluded.not_before < compliance_pending.not_before")
                .setParameter(1, calls.stream().sorted().toArray(UUID[]::new))
                .setParameter(2, debounceMillis)
                .setParameter(3, atBerthMillis)
                .executeUpdate();
    }

    /**
     * In the transaction that changed the call, before it judges the call (so that it takes the mark's row before the
     * call's lock, in the order the worker takes them): a mark the call has is due after the debounce delay at the
     * latest; a call without a mark gets none. An ingest batch in flight that marked the call (the call still at
     * berth, as it saw it: due late) holds that mark's row, or its key, until it commits; this waits for it (an
     * insert meets the key, where an update would not see a row not yet committed), so the call is judged again after
     * that batch committed, with its sessions counted under the departure recorded here (this transaction's own
     * judgement of the call may not see them). The row it inserts when there was none is deleted at once: a change
     * judges its call in its own transaction, and a mark would judge it again later, perhaps with master data that
     * changed since (a call older than the master-data window must stand as judged).
     */
    void bringForward(UUID callId) {
        Object inserted = em.createNativeQuery(
                        "insert into compliance_pending (call_id, not_before) values (?1, now() +"
                                + " ?2 * interval '1 millisecond') on conflict (call_id) do update set not_before ="
                                + " least(compliance_pending.not_before, excluded.not_before) returning xmax = 0")
                .setParameter(1, callId)
                .setParameter(2, debounceMillis)
                .getSingleResult();
        if (Boolean.TRUE.equals(inserted)) {
            em.createNativeQuery("delete from compliance_pending where call_id = ?1")
                    .setParameter(1, callId)
                    .executeUpdate();
        }
    }

    /**
     * Marks, in the caller's transaction, the active calls of a vessel or berth that are still at berth or departed
     * within the master-data window; they are due at once. Answers how many were marked.
     */
    int markCallsOf(MasterDataChanged change) {
        String column = change.kind() == MasterDataChanged.Kind.VESSEL ? "vessel_id" : "berth_id";
        return em.createNativeQuery("insert into compliance_pending (call_id) select id from vessel_call where "
                        + column + " = ?1 and active and (departure is null or departure > now() - ?2 * interval"
                        + " '1 second') on conflict (call_id) do update set marked_at = now(), shore_power = true,"
                        + " not_before = least(compliance_pending.not_before, now())")
                .setParameter(1, change.id())
                .setParameter(2, masterDataWindowSeconds)
                .executeUpdate();
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        worker = new Thread(this::work, "shoreloop-compliance");
        worker.setDaemon(true);
        worker.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        try {
            // it sleeps at most one poll interval and never starts another recomputation once stopped
            if (worker != null) {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        while (running) {
            try {
                Thread.sleep(idleMillis);
                while (running && drainOnce() > 0) {
                    // more may have been marked while recomputing
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Compliance queue: draining failed; retrying", e);
            }
        }
    }

    /**
     * Recomputes the due marks once; answers how many were recomputed. All of them together first, in one
     * transaction (a round trip for all their reads, one for all their writes); when that fails, one by one, and a
     * call whose recomputation fails alone keeps its mark and is retried with backoff.
     */
    int drainOnce() {
        List<UUID> due = due();
        if (due.size() > 1) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> take(due)).size();
            } catch (RuntimeException e) {
                LOG.debugf(e, "Compliance queue: %d calls together failed; one by one", due.size());
            }
        }
        int done = 0;
        for (UUID call : due) {
            try {
                done += QuarkusTransaction.requiringNew()
                        .call(() -> take(List.of(call)))
                        .size();
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not recompute the verdicts of call %s; retrying later", call);
                QuarkusTransaction.requiringNew()
                        .run(() -> em.createNativeQuery("update compliance_pending set"
                                        + " attempts = attempts + 1, not_before = now() + make_interval(secs =>"
                                        + " least(300, power(2, least(attempts, 9))))"
                                        + " where call_id = ?1")
                                .setParameter(1, call)
                                .executeUpdate());
            }
        }
        return done;
    }

    /**
     * Locks the marks it can (skipping those another instance holds, or of a call whose step has not committed yet) and
     * answers, for each, whether shore power was marked too.
     */
    private static final String TAKE =
            "select call_id, shore_power from compliance_pending where call_id = any(?) for update skip locked";

    /** Takes and recomputes the marks of these calls it can have; answers the calls taken. */
    private Set<UUID> take(List<UUID> calls) {
        // the take goes with the reads of the recomputation, in one round trip; the marks' delete with its writes
        Set<UUID> taken = compliance.recomputeMarked(
                calls,
                new io.shoreloop.platform.Sql.Also<>(
                        TAKE,
                        rs -> {
                            Map<UUID, Boolean> marks = new HashMap<>();
                            while (rs.next()) {
                                marks.put(rs.getObject(1, UUID.class), rs.getBoolean(2));
                            }
                            return marks;
                        },
                        (Object) calls.toArray(UUID[]::new)));
        if (!taken.isEmpty()) {
            sql.defer("delete from compliance_pending where call_id = any(?)", (Object) taken.toArray(UUID[]::new));
        }
        return taken;
    }

    private List<UUID> due() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select call_id from compliance_pending"
                        + " where not_before <= now() order by marked_at limit " + BATCH);
                ResultSet rs = ps.executeQuery()) {
            List<UUID> calls = new ArrayList<>();
            while (rs.next()) {
                calls.add(rs.getObject(1, UUID.class));
            }
            return calls;
        } catch (SQLException e) {
            LOG.debugf("Compliance queue: cannot read the marks (%s)", e.getMessage());
            return List.of();
        }
    }
}
