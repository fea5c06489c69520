package io.shoreloop.ledger;

import io.shoreloop.manifest.Manifest;
import io.shoreloop.manifest.ManifestAction;
import io.shoreloop.manifest.Step;
import io.shoreloop.platform.CanonicalJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Recomputes the ledger and compares it with the manifests it records. Reports the first broken link: an entry
 * whose hash or back-link does not recompute, a gap or reordering in a chain, a chain shorter or longer than its
 * recorded length, a step row that differs from what the ledger recorded, or a manifest whose current content does
 * not hash to what its last step signed.
 */
@ApplicationScoped
public class LedgerVerifier {

    private final EntityManager em;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public LedgerVerifier(EntityManager em, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /** The first broken link, if any. */
    public record BrokenLink(UUID manifestId, Integer seq, String problem) {}

    /** The verification's answer. */
    public record Report(boolean intact, long chains, long entries, BrokenLink firstBrokenLink) {}

    @Transactional
    public Report verifyAll() {
        return verifyAll(null);
    }

    /**
     * Verifies the chains of the manifests of {@code ports} (null: every manifest), and that no ledger entry belongs
     * to no manifest (an alarm about the table, which names nothing).
     */
    @Transactional
    public Report verifyAll(java.util.Set<UUID> ports) {
        String sql = "select m.id, c.length, c.head from manifest m left join ledger_chain c on c.manifest_id = m.id"
                + (ports == null ? "" : " where m.port_id = any(cast(?1 as uuid[]))")
                + " order by m.created_at, m.id";
        var query = em.createNativeQuery(sql);
        if (ports != null) {
            query.setParameter(1, ports.stream().map(UUID::toString).toArray(String[]::new));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> chains = query.getResultList();
        long entries = 0;
        for (Object[] chain : chains) {
            UUID id = (UUID) chain[0];
            Verdict v = verify(id, chain[1] == null ? 0 : ((Number) chain[1]).intValue(), (String) chain[2]);
            entries += v.entries();
            if (v.broken() != null) {
                return new Report(false, chains.size(), entries, v.broken());
            }
        }
        Number orphans = (Number) em.createNativeQuery(
                        "select count(*) from ledger_entry e where not exists (select 1 from manifest m where m.id ="
                                + " e.manifest_id)")
                .getSingleResult();
        if (orphans.longValue() > 0) {
            return new Report(
                    false, chains.size(), entries, new BrokenLink(null, null, "ledger entries of no manifest"));
        }
        return new Report(true, chains.size(), entries, null);
    }

    /** Verifies one manifest's chain against the manifest. */
    @Transactional
    public Report verifyOne(UUID manifestId) {
        Object[] chain = (Object[]) em.createNativeQuery("select length, head from ledger_chain where manifest_id = ?1")
                .setParameter(1, manifestId)
                .getResultStream()
                .findFirst()
                .orElse(new Object[] {0, null});
        Verdict v = verify(manifestId, ((Number) chain[0]).intValue(), (String) chain[1]);
        return new Report(v.broken() == null, 1, v.entries(), v.broken());
    }

    record Verdict(long entries, BrokenLink broken) {}

    @SuppressWarnings("unchecked")
    private Verdict verify(UUID id, int length, String head) {
        List<Object[]> rows = em.createNativeQuery("select manifest_id, seq, event_type, payload, prev_hash, hash,"
                        + " recorded_at from ledger_entry where manifest_id = ?1 order by seq")
                .setParameter(1, id)
                .getResultList();
        String prev = Ledger.GENESIS;
        int expectedSeq = 1;
        List<Map<String, Object>> stepPayloads = new ArrayList<>();
        for (Object[] r : rows) {
            Ledger.Entry e = Ledger.entry(r);
            if (e.seq() != expectedSeq) {
                return new Verdict(
                        rows.size(), new BrokenLink(id, expectedSeq, "entry " + expectedSeq + " is missing"));
            }
            if (!e.prevHash().equals(prev)) {
                return new Verdict(
                        rows.size(), new BrokenLink(id, e.seq(), "back-link does not match the previous entry"));
            }
            if (!CanonicalJson.sha256(prev + "\n" + e.payload()).equals(e.hash())) {
                return new Verdict(rows.size(), new BrokenLink(id, e.seq(), "entry content does not match its hash"));
            }
            Map<String, Object> payload;
            try {
                payload = json.readValue(e.payload(), Map.class);
            } catch (Exception ex) {
                return new Verdict(rows.size(), new BrokenLink(id, e.seq(), "entry payload is not JSON"));
            }
            if (!CanonicalJson.write(payload).equals(e.payload()) || !Objects.equals(payload.get("type"), e.type())) {
                return new Verdict(rows.size(), new BrokenLink(id, e.seq(), "entry payload is not what was hashed"));
            }
            if (e.type().startsWith("STEP_")) {
                stepPayloads.add(payload);
            }
            prev = e.hash();
            expectedSeq++;
        }
        if (rows.size() != length || (length > 0 && !prev.equals(head))) {
            return new Verdict(
                    rows.size(),
                    new BrokenLink(
                            id,
                            rows.size() + 1,
                            "chain has " + rows.size() + " entries but " + length + " were recorded"));
        }
        Manifest manifest = Manifest.findById(id);
        if (manifest == null) {
            return new Verdict(rows.size(), new BrokenLink(id, null, "manifest row is missing"));
        }
        em.refresh(manifest);
        List<Step> steps = manifest.steps();
        if (steps.size() != stepPayloads.size()) {
            return new Verdict(
                    rows.size(),
                    new BrokenLink(
                            id,
                            null,
                            "manifest has " + steps.size() + " steps but the ledger recorded " + stepPayloads.size()));
        }
        Map<String, Object> content = manifest.content();
        List<?> signedSteps = (List<?>) content.get("steps");
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> recorded = stepPayloads.get(i);
            String recordedStep = CanonicalJson.write(recorded.get("step"));
            if (!recordedStep.equals(CanonicalJson.write(signedSteps.get(i)))) {
                return new Verdict(rows.size(), new BrokenLink(id, null, "step " + i + " differs from the ledger"));
            }
            if (!Objects.equals(recorded.get("contentHash"), steps.get(i).contentHash())) {
                return new Verdict(
                        rows.size(), new BrokenLink(id, null, "step " + i + " content hash differs from the ledger"));
            }
        }
        String times = stepTimesDisagree(manifest, steps);
        if (times != null) {
            return new Verdict(rows.size(), new BrokenLink(id, null, times));
        }
        if (!steps.isEmpty()) {
            String now = CanonicalJson.sha256(CanonicalJson.write(content));
            if (!now.equals(steps.get(steps.size() - 1).contentHash())) {
                return new Verdict(
                        rows.size(),
                        new BrokenLink(id, null, "the manifest's current content is not what its last step signed"));
            }
        }
        return new Verdict(rows.size(), null);
    }

    /**
     * The manifest's declaration, receipt and closing times are kept beside its steps (deadlines, report months and
     * time to close read them) and are not part of the signed content: each must be the time of a signed step that
     * sets it, and the closing time present exactly when the (signed) state is final. Answers what disagrees, or
     * {@code null}.
     */
    static String stepTimesDisagree(Manifest m, List<Step> steps) {
        boolean declared = steps.stream().anyMatch(s -> s.action() == ManifestAction.DECLARE);
        if (declared != (m.declaredAt() != null) || !atOneOf(m.declaredAt(), steps, Set.of(ManifestAction.DECLARE))) {
            return "the manifest's declaration time is not the time of a signed declaration";
        }
        // a receipt always sets it (the deadlines of pickup and disposal count from it); a refusal only when it
        // accepted
        // a part at the receipt
        boolean received = steps.stream().anyMatch(s -> s.action() == ManifestAction.RECEIVE);
        if ((received && m.receivedAt() == null)
                || !atOneOf(m.receivedAt(), steps, Set.of(ManifestAction.RECEIVE, ManifestAction.REFUSE))) {
            return "the manifest's receipt time is not the time of a signed receipt";
        }
        if (m.state().isFinal() != (m.closedAt() != null)
                || !atOneOf(
                        m.closedAt(),
                        steps,
                        Set.of(ManifestAction.DISPOSE, ManifestAction.CANCEL, ManifestAction.REFUSE))) {
            return "the manifest's closing time is not the time of the signed step that closed it";
        }
        return null;
    }

    private static boolean atOneOf(Instant at, List<Step> steps, Set<ManifestAction> actions) {
        return at == null || steps.stream().anyMatch(s -> actions.contains(s.action()) && at.equals(s.at()));
    }
}
