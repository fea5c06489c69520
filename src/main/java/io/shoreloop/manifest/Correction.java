package io.shoreloop.manifest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A proposed correction of a closed manifest's signed quantity. It is applied (as a new revision of the manifest)
 * only once every party it affects has approved; until then the manifest stays as signed. Any affected party may
 * reject it.
 */
@Entity
@Table(name = "manifest_correction")
public class Correction extends PanacheEntityBase {

    /** Where a correction stands. */
    public enum State {
        PENDING,
        APPLIED,
        REJECTED
    }

    @Id
    public UUID id;

    @Column(name = "manifest_id", nullable = false)
    public UUID manifestId;

    @Column(name = "step_seq", nullable = false)
    public int stepSeq;

    @Column(name = "new_quantity", nullable = false)
    public BigDecimal newQuantity;

    @Enumerated(EnumType.STRING)
    @Column(name = "new_method")
    public QuantityMethod newMethod;

    @Column(nullable = false)
    public String reason;

    @Column(name = "proposed_by", nullable = false)
    public UUID proposedBy;

    @Column(name = "proposed_party")
    public UUID proposedParty;

    /** Comma-separated party ids that must approve. */
    @Column(name = "required_parties", nullable = false)
    String requiredParties;

    /** Comma-separated party ids that approved. */
    @Column(name = "approved_parties", nullable = false)
    String approvedParties = "";

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Version
    public long version;

    public Set<UUID> required() {
        return parse(requiredParties);
    }

    public Set<UUID> approved() {
        return parse(approvedParties);
    }

    void require(Set<UUID> parties) {
        requiredParties = join(parties);
    }

    /** Records an approval; answers whether every required party has now approved. */
    boolean approve(UUID party) {
        Set<UUID> approved = approved();
        approved.add(party);
        approvedParties = join(approved);
        return approved.containsAll(required());
    }

    public static List<Correction> of(UUID manifestId) {
        return list("manifestId = ?1 order by createdAt", manifestId);
    }

    private static Set<UUID> parse(String s) {
        return s == null || s.isBlank()
                ? new LinkedHashSet<>()
                : Arrays.stream(s.split(","))
                        .map(UUID::fromString)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String join(Set<UUID> parties) {
        return parties.stream().map(UUID::toString).collect(Collectors.joining(","));
    }
}
