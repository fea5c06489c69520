package io.shoreloop.ledger;

import io.shoreloop.identity.Role;
import io.shoreloop.manifest.ManifestAction;
import io.shoreloop.manifest.ManifestState;
import io.shoreloop.manifest.QuantityMethod;
import io.shoreloop.registry.QuantityUnit;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * Everything a copy of record shows, read in one short transaction (manifest, names, ledger head and the chain's
 * verification, all consistent with each other), so that the PDF is drawn afterwards without holding the database.
 */
public record CopyOfRecord(
        UUID manifestId,
        String number,
        String vesselName,
        String mmsi,
        UUID callId,
        String berthName,
        Instant arrival,
        Instant departure,
        String portName,
        String portCode,
        ZoneId zone,
        Stream stream,
        QuantityUnit unit,
        BigDecimal declaredQuantity,
        QuantityMethod declaredMethod,
        BigDecimal currentQuantity,
        ManifestState state,
        String cargoName,
        String nlsCategory,
        String garbageCategory,
        Related parent,
        List<Related> linked,
        String cancelReason,
        List<SignedStep> steps,
        List<OpenDiscrepancy> openDiscrepancies,
        int chainLength,
        String chainHead,
        boolean chainVerified,
        String brokenLink,
        Instant generatedAt) {

    /** One signed step with the names of its signer and next party resolved. */
    public record SignedStep(
            int seq,
            ManifestAction action,
            Role role,
            String party,
            String user,
            Instant at,
            BigDecimal quantity,
            QuantityMethod method,
            String vehicle,
            String treatment,
            String nextParty,
            String reason,
            BigDecimal refusedQuantity,
            String evidence,
            String contentHash) {}

    /**
     * A manifest linked by a refusal: the one this manifest carries the refused part of ({@link #parent}), or one
     * that carries on a part this manifest's parties refused ({@link #linked}).
     */
    public record Related(UUID id, String number) {}

    /** A quantity deviation nobody has resolved yet. */
    public record OpenDiscrepancy(
            int stepSeq,
            BigDecimal previousQuantity,
            BigDecimal newQuantity,
            BigDecimal deviationPercent,
            Instant openedAt) {}

    /** The content hash of the last signed step: what the document as a whole attests. */
    public String lastHash() {
        return steps.isEmpty() ? null : steps.get(steps.size() - 1).contentHash();
    }

    /** The public verification page of this document, under the service's public base URL. */
    public String verificationUrl(String publicBaseUrl) {
        String base =
                publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        return base + "/verify/manifests/" + manifestId + "?hash=" + lastHash();
    }
}
