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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Recomputes the verdicts of calls marked in {@code compliance_pending} by manifest steps (and by shore-power sessions
 * matched to them): after the step committed,
 * off the request thread, once per call however many steps marked it within the debounce delay
 * ({@code shoreloop.compliance.debounce}, 2 s; marks are polled every {@code shoreloop.compliance.pending-poll}, 1 s). A mark is written in the signing
 * transaction ({@link #mark}), so a step that committed always gets its verdict recomputed, also after a crash or by
 * another instance. The worker takes each mark with {@code for update skip locked} in the transaction that recomputes
 * the call and deletes the mark, so that a step still in flight on the same call (it holds the mark's row lock until
 * it commits) is recomputed in a later round, and two instances never recompute the same mark at once. A recompute
 * that fails keeps its mark and is retried with backoff.
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
     * delay, not one per batch. In a fixed order, so that two ingest writers marking the same calls wait for each
     * other rather than deadlock.
     */
    void markCalls(java.util.Collection<UUID> calls) {
        em.createNativeQuery("insert into compliance_pending (call_id, not_before) select unnest(cast(?1 as uuid[])),"
                        + " now() + ?2 * interval '1 millisecond' on conflict (call_id) do update set marked_at ="
                        + " now(), shore_power = true")
                .setParameter(1, calls.stream().sorted().toArray(UUID[]::new))
                .setParameter(2, debounceMillis)
                .executeUpdate();
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

    /** Recomputes the due marks once; answers how many were recomputed. */
    int drainOnce() {
        int done = 0;
        for (UUID call : due()) {
            try {
                Boolean recomputed = QuarkusTransaction.requiringNew().call(() -> take(call));
                if (Boolean.TRUE.equals(recomputed)) {
                    done++;
                }
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
     * Locks the mark (skipping it when another instance holds it, or a step on the call has not committed yet) and
     * answers whether shore power was marked too.
     */
    private static final String TAKE =
            "select shore_power from compliance_pending where call_id = ? for update skip" + " locked";

    private boolean take(UUID call) {
        // the take goes with the reads of the recomputation, in one round trip; the mark's delete with its writes
        boolean taken = compliance.recomputeMarked(
                call,
                new io.shoreloop.platform.Sql.Also<>(
                        TAKE, rs -> rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty(), call));
        if (taken) {
            sql.defer("delete from compliance_pending where call_id = ?", call);
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
