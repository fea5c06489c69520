package io.shoreloop.compliance;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A bureau's review of a verdict as computed at that moment (its outcome and inputs hash): confirmed, or overturned
 * to another outcome with a reason. Rows are only ever added, so the history stays.
 */
@Entity
@Table(name = "verdict_review")
public class VerdictReview extends PanacheEntityBase {

    /** What the bureau decided. */
    public enum Decision {
        CONFIRM,
        OVERTURN
    }

    @Id
    public UUID id;

    @Column(name = "verdict_id", nullable = false)
    public UUID verdictId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Decision decision;

    /** The computed outcome the bureau looked at. */
    @Enumerated(EnumType.STRING)
    @Column(name = "reviewed_outcome", nullable = false)
    public Verdict.Outcome reviewedOutcome;

    @Column(name = "inputs_hash", nullable = false)
    public String inputsHash;

    /** The outcome after the review (the reviewed one when confirmed). */
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Verdict.Outcome outcome;

    public String reason;

    @Column(name = "reviewer_id", nullable = false)
    public UUID reviewerId;

    @Column(name = "bureau_id", nullable = false)
    public UUID bureauId;

    @Column(name = "reviewed_at", nullable = false)
    public Instant reviewedAt;

    public static List<VerdictReview> of(UUID verdictId) {
        return list("verdictId = ?1 order by reviewedAt, id", verdictId);
    }
}
