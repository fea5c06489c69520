package io.shoreloop.testing;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.shoreloop.platform.Sql;
import java.util.ArrayList;
import java.util.List;

/** The {@code plan_cache_mode} each of some transactions ends with, and then that of a fresh transaction. */
public final class PlanCacheModes {

    private PlanCacheModes() {}

    /**
     * Runs each piece of work in a transaction of its own and reads the setting at its end; the last element is the
     * setting of one more transaction that does nothing else (SET LOCAL must not outlive its transaction on the
     * pooled connection).
     */
    public static List<String> after(Sql sql, Runnable... work) {
        List<String> modes = new ArrayList<>();
        for (Runnable w : work) {
            modes.add(QuarkusTransaction.requiringNew().call(() -> {
                w.run();
                return mode(sql);
            }));
        }
        modes.add(QuarkusTransaction.requiringNew().call(() -> mode(sql)));
        return modes;
    }

    private static String mode(Sql sql) {
        return sql.first("select current_setting('plan_cache_mode')", rs -> rs.getString(1))
                .orElseThrow();
    }
}
