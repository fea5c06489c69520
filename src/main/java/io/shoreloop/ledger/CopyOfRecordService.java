package io.shoreloop.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoreloop.calls.CallService;
import io.shoreloop.calls.VesselCall;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.AppUser;
import io.shoreloop.manifest.Manifest;
import io.shoreloop.manifest.ManifestService;
import io.shoreloop.manifest.ManifestState;
import io.shoreloop.manifest.ManifestViews;
import io.shoreloop.registry.BerthService;
import io.shoreloop.registry.FacilityService;
import io.shoreloop.registry.Port;
import io.shoreloop.registry.Stream;
import io.shoreloop.registry.Vessel;
import io.shoreloop.registry.VesselService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The copy of record (联单存档件) of a manifest and its public verification. {@link #take} reads what the PDF shows
 * in one short transaction; {@link #verify} answers whether a document carrying a given content hash matches the
 * ledger, telling the public nothing about a manifest beyond that answer unless it holds a hash that the ledger
 * recorded for it; then it shows the signed steps up to that document's, which the document itself prints.
 */
@ApplicationScoped
@Transactional
public class CopyOfRecordService {

    private static final Pattern HASH = Pattern.compile("^[0-9a-f]{64}$");

    private final EntityManager em;
    private final ManifestService manifests;
    private final LedgerVerifier verifier;
    private final Ledger ledger;
    private final VesselService vessels;
    private final FacilityService facilities;
    private final CallService calls;
    private final BerthService berths;
    private final ObjectMapper json;
    private final Clock clock;

    public CopyOfRecordService(
            EntityManager em,
            ManifestService manifests,
            LedgerVerifier verifier,
            Ledger ledger,
            VesselService vessels,
            FacilityService facilities,
            CallService calls,
            BerthService berths,
            ObjectMapper json,
            Clock clock) {
        this.em = em;
        this.manifests = manifests;
        this.verifier = verifier;
        this.ledger = ledger;
        this.vessels = vessels;
        this.facilities = facilities;
        this.calls = calls;
        this.berths = berths;
        this.json = json;
        this.clock = clock;
    }

    /**
     * What the copy of record of a manifest the actor may see shows (404 otherwise). The manifest's chain head is
     * share-locked first, so that no step is signed between reading the manifest, the chain and verifying them.
     */
    public CopyOfRecord take(Actor actor, UUID id) {
        Object[] chain = lockChain(id);
        ManifestViews.ManifestView m = manifests.get(actor, id);
        LedgerVerifier.Report report = verifier.verifyOne(id);
        Names names = new Names();
        Optional<VesselCall> call = calls.find(m.callId());
        Port port = Port.findById(m.portId());
        ZoneId zone = zoneOf(port);
        Vessel vessel = vessels.find(m.vesselId()).orElse(null);
        List<CopyOfRecord.SignedStep> steps = new ArrayList<>();
        for (ManifestViews.StepView s : m.steps()) {
            steps.add(new CopyOfRecord.SignedStep(
                    s.seq(),
                    s.action(),
                    s.role(),
                    signedOr(s.partyName(), () -> names.party(s.partyId())),
                    signedOr(s.userName(), () -> names.user(s.userId())),
                    s.at(),
                    s.quantity(),
                    s.method(),
                    s.vehicle(),
                    s.treatment(),
                    s.nextPartyId() == null ? null : signedOr(s.nextPartyName(), () -> names.party(s.nextPartyId())),
                    s.reason(),
                    s.refusedQuantity(),
                    s.evidence(),
                    s.contentHash()));
        }
        List<CopyOfRecord.OpenDiscrepancy> open = m.discrepancies().stream()
                .filter(d -> d.resolvedAt() == null)
                .map(d -> new CopyOfRecord.OpenDiscrepancy(
                        d.stepSeq(), d.previousQuantity(), d.newQuantity(), d.deviationPercent(), d.openedAt()))
                .toList();
        return new CopyOfRecord(
                m.id(),
                m.number(),
                vessel == null ? String.valueOf(m.vesselId()) : vessel.name,
                vessel == null ? null : vessel.mmsi,
                m.callId(),
                call.flatMap(c -> berths.find(c.berthId)).map(b -> b.name).orElse(null),
                call.map(c -> c.arrival).orElse(null),
                call.map(c -> c.departure).orElse(null),
                port == null ? String.valueOf(m.portId()) : port.name,
                port == null ? null : port.code,
                zone,
                m.stream(),
                m.unit(),
                m.declaredQuantity(),
                m.declaredMethod(),
                m.currentQuantity(),
                m.state(),
                m.cargoName(),
                m.nlsCategory(),
                m.garbageCategory(),
                m.parentId() == null ? null : related(List.of(m.parentId())).get(0),
                related(m.linkedManifestIds()),
                m.cancelReason(),
                List.copyOf(steps),
                open,
                chain == null ? 0 : ((Number) chain[0]).intValue(),
                chain == null ? null : (String) chain[1],
                report.intact(),
                report.firstBrokenLink() == null
                        ? null
                        : report.firstBrokenLink().problem(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The numbers of manifests linked by a refusal, in the order given. */
    private List<CopyOfRecord.Related> related(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, String> numbers = new HashMap<>();
        for (Object[] row : em.createQuery("select m.id, m.number from Manifest m where m.id in ?1", Object[].class)
                .setParameter(1, ids)
                .getResultList()) {
            numbers.put((UUID) row[0], (String) row[1]);
        }
        return ids.stream()
                .map(i -> new CopyOfRecord.Related(i, numbers.get(i)))
                .toList();
    }

    /** What the public verification page answers. */
    public record Verification(
            Outcome outcome,
            String number,
            Stream stream,
            ManifestState state,
            Instant stepAt,
            ZoneId zone,
            io.shoreloop.registry.QuantityUnit unit,
            List<SignedLine> steps) {

        static Verification noMatch() {
            return new Verification(Outcome.NO_MATCH, null, null, null, null, null, null, List.of());
        }
    }

    /**
     * A signed step as the ledger recorded it, up to the document's, for the page to show beside the document: its
     * printed text can then be compared with what was signed (a PDF edited but with its QR code kept matched).
     */
    public record SignedLine(
            int seq,
            io.shoreloop.manifest.ManifestAction action,
            String party,
            Instant at,
            java.math.BigDecimal quantity,
            io.shoreloop.manifest.QuantityMethod method,
            java.math.BigDecimal refusedQuantity,
            String vehicle,
            String treatment,
            String contentHash) {}

    /** Answers of the verification page. */
    public enum Outcome {
        /** The hash is the last signed step's: the document is the manifest as it stands, and the chain verifies. */
        MATCHES,
        /** The hash is an earlier signed step's: the document was right then, later steps have superseded it. */
        SUPERSEDED,
        /** The hash was recorded for this manifest, but its chain or rows no longer verify: do not trust it. */
        LEDGER_BROKEN,
        /** No signed step of a manifest with this id has this hash (or there is no such manifest, or the id or hash is malformed). */
        NO_MATCH
    }

    /**
     * Whether a copy of record of manifest {@code rawId} carrying {@code rawHash} matches the ledger. Unknown and
     * malformed ids and hashes get the same answer as a wrong hash, so the page reveals no manifest's existence.
     */
    public Verification verify(String rawId, String rawHash) {
        UUID id = parseId(rawId);
        String hash = rawHash == null ? null : rawHash.strip().toLowerCase(Locale.ROOT);
        if (id == null || hash == null || !HASH.matcher(hash).matches()) {
            return Verification.noMatch();
        }
        if (lockChain(id) == null) {
            return Verification.noMatch();
        }
        List<Ledger.Entry> stepsRecorded = ledger.entries(id).stream()
                .filter(e -> e.type().startsWith("STEP_"))
                .toList();
        int found = -1;
        Instant at = null;
        for (int i = 0; i < stepsRecorded.size(); i++) {
            Map<?, ?> payload = parse(stepsRecorded.get(i).payload());
            if (payload != null && hash.equals(payload.get("contentHash"))) {
                found = i;
                at = stepTime(payload);
            }
        }
        if (found < 0) {
            return Verification.noMatch();
        }
        LedgerVerifier.Report report = verifier.verifyOne(id);
        Manifest m = Manifest.findById(id);
        if (!report.intact() || m == null) {
            return new Verification(Outcome.LEDGER_BROKEN, null, null, null, null, null, null, List.of());
        }
        Outcome outcome = found == stepsRecorded.size() - 1 ? Outcome.MATCHES : Outcome.SUPERSEDED;
        // the step rows, which the verification just found equal to the ledger's, up to the document's
        Names names = new Names();
        List<io.shoreloop.manifest.Step> signed = m.steps();
        List<SignedLine> lines = java.util.stream.IntStream.range(0, Math.min(found + 1, signed.size()))
                .mapToObj(i -> Map.entry(i, signed.get(i)))
                .map(e -> {
                    io.shoreloop.manifest.Step s = e.getValue();
                    return new SignedLine(
                            e.getKey(),
                            s.action(),
                            signedOr(s.partyName(), () -> names.party(s.partyId())),
                            s.at(),
                            s.quantity(),
                            s.method(),
                            s.refusedQuantity(),
                            s.vehicle(),
                            s.treatment(),
                            s.contentHash());
                })
                .toList();
        return new Verification(
                outcome, m.number(), m.stream(), m.state(), at, zoneOf(Port.findById(m.portId())), m.unit(), lines);
    }

    /** Share-locks the manifest's chain head (appends wait until this transaction ends); its length and head. */
    private Object[] lockChain(UUID id) {
        return (Object[]) em.createNativeQuery("select length, head from ledger_chain where manifest_id = ?1 for share")
                .setParameter(1, id)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    private Map<?, ?> parse(String payload) {
        try {
            return json.readValue(payload, Map.class);
        } catch (Exception e) {
            return null;
        }
    }

    private static Instant stepTime(Map<?, ?> payload) {
        if (payload.get("step") instanceof Map<?, ?> step && step.get("at") instanceof String at) {
            try {
                return Instant.parse(at);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static UUID parseId(String raw) {
        if (raw == null || raw.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ZoneId zoneOf(Port port) {
        if (port == null || port.timeZone == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(port.timeZone);
        } catch (RuntimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /**
     * The name a step was signed under, else (a step signed before names were recorded, 2026-12-07) the current one:
     * a party renamed since keeps, on the copies of what it signed, the name it signed under.
     */
    private static String signedOr(String signed, java.util.function.Supplier<String> current) {
        return signed != null ? signed : current.get();
    }

    /** Resolves party and user names once per document (for steps signed before names were recorded). */
    private final class Names {
        private final Map<UUID, String> parties = new HashMap<>();
        private final Map<UUID, String> users = new HashMap<>();

        String party(UUID id) {
            if (id == null) {
                return null;
            }
            return parties.computeIfAbsent(
                    id,
                    k -> facilities
                            .find(k)
                            .map(f -> f.name)
                            .or(() -> vessels.find(k).map(v -> v.name))
                            .orElse(k.toString()));
        }

        String user(UUID id) {
            if (id == null) {
                return null;
            }
            return users.computeIfAbsent(
                    id,
                    k -> Optional.ofNullable(AppUser.<AppUser>findById(k))
                            .map(u -> u.displayName)
                            .orElse(k.toString()));
        }
    }
}
