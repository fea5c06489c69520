package io.shoreloop.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.identity.Role;
import io.shoreloop.manifest.ManifestAction;
import io.shoreloop.manifest.ManifestState;
import io.shoreloop.manifest.QuantityMethod;
import io.shoreloop.registry.QuantityUnit;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The copy-of-record layout without Quarkus: long manifests flow onto numbered pages, odd text never breaks it. */
class CopyOfRecordPdfTest {

    @Test
    void aLongManifestFlowsOntoNumberedPagesAndKeepsEveryHashWhole() throws Exception {
        List<CopyOfRecord.SignedStep> steps = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            steps.add(step(i, hash(i), "tank B contaminated with oil, sample " + i + " taken; ".repeat(3)));
        }
        CopyOfRecord record = record(steps, "Garbage\u0007 note 🚢 with an emoji");
        try (PDDocument doc = Loader.loadPDF(CopyOfRecordPdf.render(record, "https://shoreloop.example.cn/"))) {
            int pages = doc.getNumberOfPages();
            assertTrue(pages > 1, "24 steps need more than one page");
            String text = new PDFTextStripper().getText(doc);
            String compact = text.replaceAll("\\s+", "");
            for (int i = 0; i < steps.size(); i++) {
                assertTrue(compact.contains(hash(i)), "hash of step " + (i + 1));
            }
            assertTrue(text.contains("Page " + pages + " of " + pages), text);
            assertTrue(text.contains("化学品洗舱水") && text.contains("棕榈油"), text);
            assertTrue(
                    compact.contains("https://shoreloop.example.cn/verify/manifests/" + record.manifestId() + "?hash="
                            + hash(23)),
                    text);
            assertTrue(text.contains("note ? with an emoji"), "a character the font lacks becomes '?': " + text);
            assertFalse(text.contains("\u0007"));
        }
    }

    @Test
    void theSameRecordAlwaysGivesTheSameText() throws Exception {
        CopyOfRecord record = record(List.of(step(0, hash(0), null), step(1, hash(1), null)), null);
        try (PDDocument a = Loader.loadPDF(CopyOfRecordPdf.render(record, "http://localhost:8080"));
                PDDocument b = Loader.loadPDF(CopyOfRecordPdf.render(record, "http://localhost:8080"))) {
            assertEquals(new PDFTextStripper().getText(a), new PDFTextStripper().getText(b));
            assertEquals(1, a.getNumberOfPages());
        }
    }

    @Test
    void theVerificationPageEscapesWhatItShows() {
        String page = VerificationPage.html(new CopyOfRecordService.Verification(
                CopyOfRecordService.Outcome.MATCHES,
                "SL-<script>alert('x')</script>",
                Stream.SEWAGE,
                ManifestState.DISPOSED,
                Instant.parse("2026-01-02T03:04:05Z"),
                ZoneId.of("Asia/Shanghai"),
                io.shoreloop.registry.QuantityUnit.M3,
                List.of(new CopyOfRecordService.SignedLine(
                        0,
                        ManifestAction.DISPOSE,
                        "<b>plant</b>",
                        Instant.parse("2026-01-02T03:04:05Z"),
                        new BigDecimal("9.750"),
                        QuantityMethod.WEIGHED,
                        null,
                        null,
                        "<img src=x onerror=alert(1)>",
                        hash(0)))));
        assertFalse(page.contains("<script>") || page.contains("<b>plant") || page.contains("<img"), page);
        assertTrue(page.contains("&lt;b&gt;plant&lt;/b&gt;") && page.contains("9.750 m³ (过磅 Weighed)"), page);
        assertTrue(page.contains("SL-&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), page);
        assertTrue(page.contains("2026-01-02 11:04:05 +08:00 (2026-01-02 03:04:05 UTC)"), page);
    }

    private static String hash(int i) {
        return String.format("%064x", 0xabcdef0123L * (i + 1));
    }

    private static CopyOfRecord.SignedStep step(int seq, String hash, String reason) {
        return new CopyOfRecord.SignedStep(
                seq,
                seq == 0 ? ManifestAction.DRAFT : ManifestAction.REFUSE,
                seq == 0 ? Role.CREW : Role.RECEIVER,
                "长寿川维洗舱站（虚构） Changshou Chuanwei tank-washing base (demo)",
                "赵船长 Captain Zhao (Changhua 9)",
                Instant.parse("2026-01-02T03:04:05Z").plusSeconds(seq * 60L),
                new BigDecimal("12.500"),
                QuantityMethod.GAUGED,
                null,
                null,
                null,
                reason,
                reason == null ? null : new BigDecimal("1.000"),
                null,
                hash);
    }

    private static CopyOfRecord record(List<CopyOfRecord.SignedStep> steps, String cancelReason) {
        return new CopyOfRecord(
                UUID.fromString("00000000-0000-0000-00aa-000000000001"),
                "SL-2026-0000042",
                "长化9 Changhua 9 (demo)",
                "413800005",
                UUID.fromString("00000000-0000-0000-0008-000000000005"),
                "长寿化工码头1号泊位 Chemical berth 1",
                Instant.parse("2026-01-01T20:00:00Z"),
                null,
                "长寿 Changshou",
                "CQ-CS",
                ZoneId.of("Asia/Shanghai"),
                Stream.TANK_WASHING,
                QuantityUnit.M3,
                new BigDecimal("12.500"),
                QuantityMethod.GAUGED,
                new BigDecimal("11.500"),
                ManifestState.RECEIVED,
                "棕榈油 Palm oil",
                "Y",
                null,
                null,
                List.of(),
                cancelReason,
                steps,
                List.of(),
                steps.size(),
                hash(99),
                true,
                null,
                Instant.parse("2026-01-02T04:00:00Z"));
    }
}
