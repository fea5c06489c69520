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

    /** The signing party's name when it signed ({@code null} for steps signed before 2026-12-07, V35). */
    @Column(name = "party_name")
    String partyName;

    /** The signing user's name when they signed ({@code null} before V35). */
    @Column(name = "user_name")
    String userName;

    /** The name of the party handed over to, when the step was signed ({@code null} before V35 or without one). */
    @Column(name = "next_party_name")
    String nextPartyName;

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
        // the names signed under, only when recorded: a step signed before they were (V35) hashes as it did
        if (partyName != null) {
            c.put("partyName", partyName);
        }
        if (userName != null) {
            c.put("userName", userName);
        }
        if (nextPartyName != null) {
            c.put("nextPartyName", nextPartyName);
        }
        return c;
    }

    /** The signing party's name when it signed, if recorded. */
    public String partyName() {
        return partyName;
    }

    /** The signing user's name when they signed, if recorded. */
    public String userName() {
        return userName;
    }

    /** The name of the party handed over to when the step was signed, if recorded. */
    public String nextPartyName() {
        return nextPartyName;
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
