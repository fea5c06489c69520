package io.shoreloop.compliance;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@link ConnectedTime} from the shore-power feature's {@code shore_session} table ({@code call_id}, {@code start_ts},
 * {@code end_ts}, {@code energy_wh}). Whether the table and those columns exist is checked once (the schema only
 * changes at start-up); without them every call has no connections, and the verdict says so.
 */
@ApplicationScoped
@DefaultBean
public class SessionTable implements ConnectedTime {

    private static final Logger LOG = Logger.getLogger(SessionTable.class);

    private final EntityManager em;
    private volatile Boolean available;

    public SessionTable(EntityManager em) {
        this.em = em;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<ShorePowerDuty.Connection> of(UUID callId) {
        if (!available()) {
            return List.of();
        }
        List<Object[]> rows = em.createNativeQuery(
                        "select start_ts, end_ts, energy_wh from shore_session where call_id = ?1 order by start_ts")
                .setParameter(1, callId)
                .getResultList();
        return rows.stream()
                .map(r -> new ShorePowerDuty.Connection(
                        new Interval(instant(r[0]), instant(r[1])), BigDecimal.valueOf(((Number) r[2]).longValue(), 3)))
                .toList();
    }

    private boolean available() {
        Boolean known = available;
        if (known == null) {
            Number columns = (Number) em.createNativeQuery("select count(*) from information_schema.columns"
                            + " where table_schema = current_schema() and table_name = 'shore_session'"
                            + " and column_name in ('call_id', 'start_ts', 'end_ts', 'energy_wh')")
                    .getSingleResult();
            known = columns.intValue() == 4;
            available = known;
            LOG.infof(
                    known
                            ? "Shore-power sessions for compliance verdicts are read from shore_session"
                            : "No shore_session table: compliance verdicts see no shore-power connections yet");
        }
        return known;
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return ((Timestamp) value).toInstant();
    }
}
