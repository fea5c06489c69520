package io.shoreloop.manifest;

import io.shoreloop.identity.Role;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One signed step of a manifest: who (user, party, role), when (server time), the quantity and how it was
 * established, the step's details, and the SHA-256 of the manifest's canonical content right after the step.
 */
@Embeddable
public class Step {

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    ManifestAction action;

    @Column(name = "user_id", nullable = false)
    UUID userId;

    @Column(name = "party_id")
    UUID partyId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    Role role;

    @Column(nullable = false)
    Instant at;

    BigDecimal quantity;

    @Enumerated(EnumType.STRING)
    QuantityMethod method;

    String vehicle;

    String treatment;

    @Column(name = "next_party_id")
    UUID nextPartyId;

    String reason;

    @Column(name = "refused_qty")
    BigDecimal refusedQty;

    @Column(name = "corrects_seq")
    Integer correctsSeq;

    String evidence;

    @Column(name = "content_hash", nullable = false)
    String contentHash;

    /** The step's signed content (canonical JSON input), without its content hash. */
    Map<String, Object> content(int seq) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("seq", seq);
        c.put("action", action.name());
        c.put("userId", userId.toString());
        c.put("partyId", partyId == null ? null : partyId.toString());
        c.put("role", role.name());
        c.put("at", at.toString());
        c.put("quantity", quantity == null ? null : quantity.toPlainString());
        c.put("method", method == null ? null : method.name());
        c.put("vehicle", vehicle);
        c.put("treatment", treatment);
        c.put("nextPartyId", nextPartyId == null ? null : nextPartyId.toString());
        c.put("reason", reason);
        c.put("refusedQuantity", refusedQty == null ? null : refusedQty.toPlainString());
        c.put("correctsSeq", correctsSeq);
        c.put("evidence", evidence);
        return c;
    }

    public ManifestAction action() {
        return action;
    }

    public UUID userId() {
        return userId;
    }

    public UUID partyId() {
        return partyId;
    }

    public Role role() {
        return role;
    }

    public Instant at() {
        return at;
    }

    public BigDecimal quantity() {
        return quantity;
    }

    public QuantityMethod method() {
        return method;
    }

    public String vehicle() {
        return vehicle;
    }

    public String treatment() {
        return treatment;
    }

    public UUID nextPartyId() {
        return nextPartyId;
    }

    public String reason() {
        return reason;
    }

    public BigDecimal refusedQuantity() {
        return refusedQty;
    }

    /** For a CORRECT step: the step whose quantity it corrects. */
    public Integer correctsSeq() {
        return correctsSeq;
    }

    public String evidence() {
        return evidence;
    }

    public String contentHash() {
        return contentHash;
    }
}
