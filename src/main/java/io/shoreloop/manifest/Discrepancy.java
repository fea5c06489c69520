package io.shoreloop.manifest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A quantity deviation between two stages above the stream tolerance. It stays open until both parties explain it
 * or a bureau closes it; discrepant manifests still move on but count separately in closure reports.
 */
@Entity
@Table(name = "manifest_discrepancy")
public class Discrepancy extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "manifest_id", nullable = false)
    public UUID manifestId;

    @Column(name = "step_seq", nullable = false)
    public int stepSeq;

    @Column(name = "previous_qty", nullable = false)
    public BigDecimal previousQty;

    @Column(name = "new_qty", nullable = false)
    public BigDecimal newQty;

    @Column(name = "deviation_pct", nullable = false)
    public BigDecimal deviationPct;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    /** The party whose quantity is the reference (the previous handover). */
    @Column(name = "previous_party")
    public UUID previousParty;

    /** The party that found the deviating quantity. */
    @Column(name = "new_party")
    public UUID newParty;

    @Column(name = "previous_explanation")
    public String previousExplanation;

    @Column(name = "new_explanation")
    public String newExplanation;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    public String resolution;

    @Column(name = "resolved_by")
    public UUID resolvedBy;

    /** Open past the resolution deadline: it now waits for a bureau. */
    @Column(nullable = false)
    public boolean escalated;

    @jakarta.persistence.Version
    public long version;

    public boolean open() {
        return resolvedAt == null;
    }

    public static List<Discrepancy> of(UUID manifestId) {
        return list("manifestId = ?1 order by stepSeq", manifestId);
    }
}
