package io.shoreloop.report;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * Keeps the closure read model ({@code report_manifest_fact}, {@code report_closure}, {@code report_closure_vessel};
 * see {@code V5__reports.sql} and {@code V10__report_pending.sql}) up to date off the signing path. A trigger notes
 * every manifest a transaction inserts or updates (signed steps, missed deadlines, discrepancies, corrections, however
 * they were made); {@link #catchUp()} replaces the contributions of the noted manifests with their current ones, all
 * at once, with the database function {@code report_catch_up}, which derives them from the manifest tables with the
 * same view that {@code report_rebuild} uses, so the incremental and the rebuilt read model agree by construction.
 *
 * <p>It runs every {@code shoreloop.report.catch-up-every} and before every report that reads the read model, so a
 * report counts every step committed before it was asked. The catch-up only appends delta rows; {@link #compact()}
 * folds them into the aggregates every {@code shoreloop.report.compact-every}, and readers add the deltas still
 * pending.
 */
@ApplicationScoped
public class ClosureReadModel {

    private final Sql sql;

    public ClosureReadModel(Sql sql) {
        this.sql = sql;
    }

    /**
     * Brings the read model up to date with every manifest change committed so far, in a transaction of its own
     * (committed when this returns); answers how many manifests it brought up to date.
     */
    public int catchUp() {
        return QuarkusTransaction.requiringNew()
                .call(() -> sql.first("select report_catch_up()", rs -> rs.getInt(1))
                        .orElse(0));
    }

    @Scheduled(
            every = "${shoreloop.report.catch-up-every:1s}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void catchUpRegularly() {
        catchUp();
    }

    /** Folds the committed delta rows into the aggregates (after a catch-up). */
    @Scheduled(
            every = "${shoreloop.report.compact-every:5s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void compact() {
        catchUp();
        QuarkusTransaction.requiringNew().run(() -> sql.first("select report_compact()", rs -> rs.getLong(1)));
    }

    /** Recomputes the read model from the manifest tables; answers the number of manifests it covers. */
    @Transactional
    long rebuild() {
        return sql.first("select report_rebuild()", rs -> rs.getLong(1)).orElse(0L);
    }
}
