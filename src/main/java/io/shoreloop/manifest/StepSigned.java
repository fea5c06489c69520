package io.shoreloop.manifest;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

/**
 * Past-tense event: a step of a manifest was signed. Observed synchronously, in the same transaction, by the ledger
 * (which appends it to the manifest's hash chain) and by read models. {@code previousQuantity} is what the previous
 * handover recorded (signed by {@code previousParty}) and {@code observedQuantity} what this step found (accepted + refused), for reconciliation.
 */
public record StepSigned(
        UUID manifestId,
        int seq,
        ManifestAction action,
        Step step,
        BigDecimal previousQuantity,
        UUID previousParty,
        BigDecimal observedQuantity) {

    /** The event's canonical payload as the ledger records it. */
    public Map<String, Object> payload() {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("manifestId", manifestId.toString());
        p.put("step", step.content(seq));
        p.put("contentHash", step.contentHash());
        return p;
    }
}
