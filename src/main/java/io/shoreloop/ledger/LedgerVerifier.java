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
 * not hash to what its last step signed. With the service's key, also an entry whose MAC ({@link EntryMacs}) is
 * missing, does not verify or repeats another's in its chain: one appended beside Shoreloop, its hashes right.
 */
@ApplicationScoped
public class LedgerVerifier {

    private final EntityManager em;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final EntryMacs macs;

    private final KeyEras eras;

    public LedgerVerifier(
            EntityManager em, com.fasterxml.jackson.databind.ObjectMapper json, EntryMacs macs, KeyEras eras) {
        this.em = em;
        this.json = json;
        this.macs = macs;
        this.eras = eras;
    }

    /**
     * The entries written before they carried MACs (V30): by global sequence, at most {@code beforeSeq}; how many. With
     * the retired keys' ends ({@link KeyEras}) and the checkpoint ranges counted so far.
     */
    private record MacEra(
            long beforeSeq, long entriesBefore, Map<String, KeyEras.End> keyEnds, Map<Long, String> counted) {}

    /** The first broken link, if any. */
    public record BrokenLink(UUID manifestId, Integer seq, String problem) {}

    /** The verification's answer. */
    public record Report(boolean intact, long chains, long entries, BrokenLink firstBrokenLink) {}

    /** Whether each entry's MAC is checked (a ledger key is configured): without it, an entry is not authenticated. */
    public boolean authenticatesEntries() {
        return macs.enabled();
    }

    /**
     * Verifies the chains of the manifests of {@code ports} (null: every manifest), and that no ledger entry belongs
     * to no manifest (an alarm about the table, which names nothing).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Report verifyAll(java.util.Set<UUID> ports) {
        oneSnapshot();
        String sql = "select m.id, c.length, c.head from manifest m left join ledger_chain c on c.manifest_id = m.id"
                + (ports == null ? "" : " where m.port_id = any(cast(?1 as uuid[]))")
                + " order by m.created_at, m.id";
        var query = em.createNativeQuery(sql);
        if (ports != null) {
            query.setParameter(1, ports.stream().map(UUID::toString).toArray(String[]::new));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> chains = query.getResultList();
        MacEra era = macEra();
        BrokenLink slipped = slippedBeforeMacs(era);
        if (slipped != null) {
            return new Report(false, chains.size(), 0, slipped);
        }
        long entries = 0;
        for (Object[] chain : chains) {
            UUID id = (UUID) chain[0];
            Verdict v = verify(id, chain[1] == null ? 0 : ((Number) chain[1]).intValue(), (String) chain[2], era);
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
        // the chain's head share-locked: no step of this manifest commits while its chain, steps and row are read
        // (a step committed between those reads was a broken chain); a snapshot would do too, but the copy of record
        // calls this in its own transaction, after its first statement
        Object[] chain = (Object[])
                em.createNativeQuery("select length, head from ledger_chain where manifest_id = ?1 for share")
                        .setParameter(1, manifestId)
                        .getResultStream()
                        .findFirst()
                        .orElse(new Object[] {0, null});
        MacEra era = macEra();
        BrokenLink slipped = slippedBeforeMacs(era);
        if (slipped != null) {
            return new Report(false, 1, 0, slipped);
        }
        Verdict v = verify(manifestId, ((Number) chain[0]).intValue(), (String) chain[1], era);
        return new Report(v.broken() == null, 1, v.entries(), v.broken());
    }

    /**
     * Reads the whole verification from one snapshot (the transaction's first statement: {@link #verifyAll} always
     * runs in a transaction of its own). A step commits its manifest, step row, ledger entry and chain head at once;
     * read in statements of their own at the default isolation, a step committed between the read of its chain's
     * length and that of its entries was a broken chain (a false alarm on any busy ledger).
     */
    private void oneSnapshot() {
        em.createNativeQuery("set transaction isolation level repeatable read, read only")
                .executeUpdate();
    }

    record Verdict(long entries, BrokenLink broken) {}

    private MacEra macEra() {
        Object[] r = (Object[]) em.createNativeQuery("select before_seq, entries_before from ledger_mac_era")
                .getResultStream()
                .findFirst()
                .orElse(null);
        Map<String, KeyEras.End> ends = macs.enabled() ? eras.ends() : Map.of();
        // the migration writes the row; without it every entry must carry a MAC
        // the checkpoints whose ranges were counted, once per verification
        Map<Long, String> counted = new java.util.HashMap<>();
        return r == null
                ? new MacEra(0, 0, ends, counted)
                : new MacEra(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), ends, counted);
    }

    /**
     * Entries without MACs are accepted only among those written before MACs were; an entry inserted there later (the
     * global sequence is a plain serial an insert may set) changes their count.
     */
    private BrokenLink slippedBeforeMacs(MacEra era) {
        if (!macs.enabled()) {
            return null;
        }
        Number n = (Number) em.createNativeQuery("select count(*) from ledger_entry where global_seq <= ?1")
                .setParameter(1, era.beforeSeq())
                .getSingleResult();
        return n.longValue() == era.entriesBefore()
                ? null
                : new BrokenLink(
                        null,
                        null,
                        "the ledger holds " + n + " entries from before entries carried MACs, but "
                                + era.entriesBefore() + " were written then");
    }

    @SuppressWarnings("unchecked")
    private Verdict verify(UUID id, int length, String head, MacEra era) {
        List<Object[]> rows = em.createNativeQuery("select manifest_id, seq, event_type, payload, prev_hash, hash,"
                        + " recorded_at, global_seq, mac from ledger_entry where manifest_id = ?1 order by seq")
                .setParameter(1, id)
                .getResultList();
        Set<String> macsSeen = new java.util.HashSet<>();
        String prev = Ledger.GENESIS;
        int expectedSeq = 1;
        List<Map<String, Object>> stepPayloads = new ArrayList<>();
        List<Map<String, Object>> notes = new ArrayList<>();
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
            String mac = (String) r[8];
            boolean beforeMacs = ((Number) r[7]).longValue() <= era.beforeSeq();
            if (mac != null || !beforeMacs) {
                String wrong = macs.problem(id, e.type(), e.payload(), mac);
                if (wrong == null && mac != null && !macsSeen.add(EntryMacs.nonceOf(mac))) {
                    wrong = "repeats an earlier entry of its chain";
                }
                if (wrong == null && mac != null) {
                    long globalSeq = ((Number) r[7]).longValue();
                    String keyId = EntryMacs.keyIdOf(mac);
                    wrong = KeyEras.entryProblem(era.keyEnds(), keyId, globalSeq);
                    if (wrong == null && era.keyEnds().containsKey(keyId)) {
                        wrong = eras.coverageProblem(globalSeq, era.keyEnds(), era.counted());
                    }
                }
                if (wrong != null) {
                    return new Verdict(rows.size(), new BrokenLink(id, e.seq(), "entry " + wrong));
                }
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
            } else {
                notes.add(payload);
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
        if (rows.isEmpty()) {
            // a manifest is drafted with its first entry, in one commit: one without any was written beside Shoreloop
            return new Verdict(0, new BrokenLink(id, 1, "the manifest has no ledger entries"));
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
        String marks;
        try {
            marks = marksDisagree(manifest, notes, discrepancies(id));
        } catch (RuntimeException e) {
            // an entry that hashes right but lacks a field, or holds one that does not read, was written beside
            // Shoreloop with its hashes recomputed: a broken link, not a failure of the verification
            marks = "an entry about a deadline or a discrepancy does not read ("
                    + e.getClass().getSimpleName() + ")";
        }
        if (marks != null) {
            return new Verdict(rows.size(), new BrokenLink(id, null, marks));
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
     * time to close read them) and are not part of the signed content: each must be the time of the signed step that
     * set it. The declaration's is its {@code DECLARE}. The receipt's is the first handover after the declaration when
     * that took the batch over: a {@code RECEIVE}, or a {@code REFUSE} that accepted a part (one that accepted nothing
     * closed the manifest unreceived). The closing time is present exactly when the signed state is final, and is that
     * of the last {@code DISPOSE}, {@code CANCEL} or {@code REFUSE} (only corrections follow the step that closes).
     * Until 2026-12-07 (sixth session) the receipt and closing times only had to equal some step of those kinds, so
     * a receipt time moved to a later refusal (pushing the pickup and disposal deadlines back), or a closing time moved
     * to an earlier partial refusal (shortening the time to close), still verified. Answers what disagrees, or {@code
     * null}.
     */
    static String stepTimesDisagree(Manifest m, List<Step> steps) {
        boolean declared = steps.stream().anyMatch(s -> s.action() == ManifestAction.DECLARE);
        if (declared != (m.declaredAt() != null) || !atOneOf(m.declaredAt(), steps, Set.of(ManifestAction.DECLARE))) {
            return "the manifest's declaration time is not the time of a signed declaration";
        }
        Step firstHandover = steps.stream()
                .filter(s -> s.action() == ManifestAction.RECEIVE || s.action() == ManifestAction.REFUSE)
                .findFirst()
                .orElse(null);
        Instant received = firstHandover != null
                        && (firstHandover.action() == ManifestAction.RECEIVE
                                || (firstHandover.quantity() != null
                                        && firstHandover.quantity().signum() > 0))
                ? firstHandover.at()
                : null;
        if (!Objects.equals(received, m.receivedAt())) {
            return "the manifest's receipt time is not the time of the signed step that received it";
        }
        Instant closing = null;
        for (Step s : steps) {
            if (s.action() == ManifestAction.DISPOSE
                    || s.action() == ManifestAction.CANCEL
                    || s.action() == ManifestAction.REFUSE) {
                closing = s.at();
            }
        }
        if (m.state().isFinal() != (m.closedAt() != null)
                || (m.closedAt() != null && !m.closedAt().equals(closing))) {
            return "the manifest's closing time is not the time of the signed step that closed it";
        }
        return null;
    }

    /** A discrepancy's row as stored beside the ledger. */
    record DiscrepancyRow(
            UUID id,
            int stepSeq,
            java.math.BigDecimal previousQuantity,
            java.math.BigDecimal newQuantity,
            java.math.BigDecimal deviationPercent,
            String previousExplanation,
            String newExplanation,
            boolean resolved,
            String resolution,
            boolean escalated) {}

    @SuppressWarnings("unchecked")
    private List<DiscrepancyRow> discrepancies(UUID manifestId) {
        List<Object[]> rows = em.createNativeQuery("select id, step_seq, previous_qty, new_qty, deviation_pct,"
                        + " previous_explanation, new_explanation, resolved_at is not null, resolution, escalated"
                        + " from manifest_discrepancy where manifest_id = ?1")
                .setParameter(1, manifestId)
                .getResultList();
        return rows.stream()
                .map(r -> new DiscrepancyRow(
                        (UUID) r[0],
                        ((Number) r[1]).intValue(),
                        (java.math.BigDecimal) r[2],
                        (java.math.BigDecimal) r[3],
                        (java.math.BigDecimal) r[4],
                        (String) r[5],
                        (String) r[6],
                        (Boolean) r[7],
                        (String) r[8],
                        (Boolean) r[9]))
                .toList();
    }

    /**
     * The marks kept beside the steps that bureaus audit (overdue and discrepant manifests, their lists and the closure
     * reports' counts read them) and the discrepancies' rows, against the ledger's entries for them: a missed deadline,
     * each discrepancy opened, explained, escalated and closed. Until 2026-12-07 these were not compared, so one
     * {@code UPDATE} took a manifest off the overdue or discrepant lists, or closed a discrepancy, and the ledger still
     * verified. Answers what disagrees, or {@code null}.
     */
    static String marksDisagree(Manifest m, List<Map<String, Object>> notes, List<DiscrepancyRow> rows) {
        Map<String, Object> missed = notes.stream()
                .filter(n -> "DEADLINE_MISSED".equals(n.get("type")))
                .findFirst()
                .orElse(null);
        if (m.overdue() != (missed != null)
                || (missed == null && (m.overdueSince() != null || m.overdueDeadline() != null))
                || (missed != null
                        && (!Objects.equals(missed.get("deadline"), m.overdueDeadline())
                                || m.overdueSince() == null
                                || m.overdueSince().isBefore(Instant.parse(String.valueOf(missed.get("dueAt"))))))) {
            return "the manifest's overdue mark is not the missed deadline the ledger recorded";
        }
        Map<String, Map<String, Object>> opened = new java.util.HashMap<>();
        notes.stream()
                .filter(n -> "DISCREPANCY_OPENED".equals(n.get("type")))
                .forEach(n -> opened.put(String.valueOf(n.get("discrepancyId")), n));
        if (m.discrepant() != !opened.isEmpty()) {
            return "the manifest's discrepant mark is not what the ledger recorded";
        }
        if (rows.size() != opened.size()) {
            return "the manifest has " + rows.size() + " discrepancies but the ledger recorded " + opened.size();
        }
        for (DiscrepancyRow d : rows) {
            String key = d.id().toString();
            Map<String, Object> o = opened.get(key);
            if (o == null
                    || !Objects.equals(((Number) o.get("stepSeq")).intValue(), d.stepSeq())
                    || !sameNumber(o.get("previousQuantity"), d.previousQuantity())
                    || !sameNumber(o.get("observedQuantity"), d.newQuantity())
                    || !sameNumber(o.get("deviationPercent"), d.deviationPercent())) {
                return "discrepancy " + key + " is not the one the ledger recorded";
            }
            List<Map<String, Object>> about = notes.stream()
                    .filter(n -> key.equals(n.get("discrepancyId")))
                    .toList();
            List<Object> explanations = about.stream()
                    .filter(n -> "DISCREPANCY_EXPLAINED".equals(n.get("type")))
                    .map(n -> n.get("explanation"))
                    .toList();
            Map<String, Object> closed = about.stream()
                    .filter(n -> "DISCREPANCY_CLOSED".equals(n.get("type")))
                    .findFirst()
                    .orElse(null);
            boolean explainedAway = about.stream()
                    .anyMatch(n ->
                            "DISCREPANCY_EXPLAINED".equals(n.get("type")) && Boolean.TRUE.equals(n.get("resolved")));
            boolean escalated = about.stream().anyMatch(n -> "DISCREPANCY_ESCALATED".equals(n.get("type")));
            List<String> kept = java.util.stream.Stream.of(d.previousExplanation(), d.newExplanation())
                    .filter(Objects::nonNull)
                    .toList();
            String resolution = closed != null
                    ? String.valueOf(closed.get("resolution"))
                    : explainedAway ? "Explained by both parties" : null;
            if (kept.size() != explanations.size()
                    || !explanations.containsAll(kept)
                    || d.resolved() != (resolution != null)
                    || !Objects.equals(d.resolution(), resolution)
                    || d.escalated() != escalated) {
                return "discrepancy " + key + " has explanations, a resolution or an escalation the ledger did not"
                        + " record";
            }
        }
        return null;
    }

    private static boolean sameNumber(Object recorded, java.math.BigDecimal stored) {
        try {
            return recorded != null && new java.math.BigDecimal(String.valueOf(recorded)).compareTo(stored) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean atOneOf(Instant at, List<Step> steps, Set<ManifestAction> actions) {
        return at == null || steps.stream().anyMatch(s -> actions.contains(s.action()) && at.equals(s.at()));
    }
}
