package io.shoreloop.compliance;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The stored verdict of one kind for one call: the rules' outcome with its reasoning and figures, the hash of the
 * inputs it was computed from, and the effective outcome after a bureau's review of exactly that computation.
 */
@Entity
@Table(name = "call_verdict")
public class CallVerdict extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "call_id", nullable = false)
    public UUID callId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Verdict.Kind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Verdict.Outcome outcome;

    @Enumerated(EnumType.STRING)
    @Column(name = "effective_outcome", nullable = false)
    public Verdict.Outcome effectiveOutcome;

    @Column(nullable = false)
    public String reasoning;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> figures;

    @Column(name = "inputs_hash", nullable = false)
    public String inputsHash;

    @Column(name = "vessel_id", nullable = false)
    public UUID vesselId;

    @Column(name = "port_id", nullable = false)
    public UUID portId;

    @Column(name = "berth_id", nullable = false)
    public UUID berthId;

    @Column(nullable = false)
    public Instant arrival;

    public Instant departure;

    @Column(name = "computed_at", nullable = false)
    public Instant computedAt;

    @Version
    public long version;

    /**
     * Whether a bureau has reviewed this verdict, read with it (not a column: a recomputation reads the reviews only
     * of a reviewed verdict, instead of asking for every verdict it stores).
     */
    @org.hibernate.annotations.Formula("exists (select 1 from verdict_review r where r.verdict_id = id)")
    public boolean reviewed;

    public static List<CallVerdict> ofCall(UUID callId) {
        return list("callId = ?1 order by kind", callId);
    }

    public static Optional<CallVerdict> of(UUID callId, Verdict.Kind kind) {
        return find("callId = ?1 and kind = ?2", callId, kind).firstResultOptional();
    }
}
