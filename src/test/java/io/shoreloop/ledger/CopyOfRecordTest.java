package io.shoreloop.ledger;

import static io.restassured.RestAssured.given;
import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/**
 * The copy of record over the real API and database: a closed sewage manifest's PDF, parsed back, shows every signed
 * step in Chinese and English with its content hash and carries a QR code to the public verification page, which
 * answers whether a document matches the ledger — and stops saying so once a row is changed behind Shoreloop's back.
 */
@QuarkusTest
class CopyOfRecordTest {

    private static final Map<String, List<String>> ACTIONS = Map.of(
            "DRAFT", List.of("起草", "Draft"),
            "DECLARE", List.of("申报", "Declare"),
            "RECEIVE", List.of("接收", "Receive"),
            "PICKUP", List.of("转运", "Pick-up"),
            "DISPOSE", List.of("处置", "Dispose"));

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Test
    void theCopyOfRecordShowsEveryStepInChineseAndEnglishAndItsQrCodeOpensTheVerification() throws Exception {
        String id = aClosedSewageManifest();
        JsonPath manifest = manifest(id);
        String number = manifest.getString("number");
        List<String> actions = manifest.getList("steps.action");
        List<String> hashes = manifest.getList("steps.contentHash");
        assertEquals(List.of("DRAFT", "DECLARE", "RECEIVE", "PICKUP", "DISPOSE"), actions);
        List<String> chain = as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id + "/events")
                .then()
                .extract()
                .jsonPath()
                .getList("events.hash");

        byte[] pdf = copyOfRecord(CREW_YU_CONTAINER, id);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertEquals(595, Math.round(doc.getPage(0).getMediaBox().getWidth()), "A4");
            assertEquals(842, Math.round(doc.getPage(0).getMediaBox().getHeight()), "A4");
            String text = new PDFTextStripper().getText(doc);
            String compact = text.replaceAll("\\s+", "");
            assertTrue(text.contains("船舶污染物接收转运处置联单"), text);
            assertTrue(text.contains("copy of record"), text);
            assertTrue(text.contains(number), text);
            assertTrue(text.contains("生活污水") && text.contains("Sewage"), "the stream in both languages: " + text);
            assertTrue(text.contains("渝集装1") && text.contains("413800001"), "the vessel's Chinese name and MMSI");
            assertTrue(text.contains("果园港"), "the port");
            assertTrue(compact.contains("10.000m³") && compact.contains("8.750m³"), "declared and current quantity");
            assertTrue(text.contains("已处置") && text.contains("Disposed"), "the state");
            assertTrue(text.contains("渝A·D1234") && text.contains("activated sludge"), "vehicle and treatment");
            assertTrue(text.contains("鸡冠石污水处理厂"), "the plant's name");
            assertTrue(text.contains("王船长"), "the signing user");
            assertTrue(text.contains("12.00 %"), "the open discrepancy: " + text);
            for (String action : actions) {
                for (String label : ACTIONS.get(action)) {
                    assertTrue(text.contains(label), action + " as " + label);
                }
            }
            for (String hash : hashes) {
                assertTrue(compact.contains(hash), "step hash " + hash + " in " + text);
            }
            assertTrue(compact.contains(chain.get(chain.size() - 1)), "the chain head");
            assertTrue(text.contains("通过 Intact"), "the chain verified when the document was made");

            assertCjkFontEmbeddedAsSubset(doc);

            String url = decodeQr(doc);
            assertEquals(
                    "http://localhost:8080/verify/manifests/" + id + "?hash=" + hashes.get(hashes.size() - 1), url);
        }
        // a bureau covering the port may fetch it too
        copyOfRecord(BUREAU_MSA, id);
    }

    @Test
    void theCopyOfRecordIsNotFoundForThoseWhoMayNotSeeTheManifest() {
        String id = aClosedSewageManifest();
        as(CREW_CHANGJIANG)
                .accept("application/pdf")
                .get("/api/v1/manifests/" + id + "/copy-of-record")
                .then()
                .statusCode(404)
                .contentType(containsString("application/problem+json"));
        as(CREW_CHANGJIANG)
                .accept("application/pdf")
                .get("/api/v1/manifests/" + UUID.randomUUID() + "/copy-of-record")
                .then()
                .statusCode(404);
        given().get("/api/v1/manifests/" + id + "/copy-of-record").then().statusCode(401);
    }

    @Test
    void theVerificationPageIsPublicAndSaysWhetherADocumentMatchesTheLedger() {
        String id = aClosedSewageManifest();
        JsonPath manifest = as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id)
                .then()
                .extract()
                .jsonPath();
        String number = manifest.getString("number");
        List<String> hashes = manifest.getList("steps.contentHash");
        String last = hashes.get(hashes.size() - 1);

        String matches = verification(id, last);
        assertTrue(matches.contains("data-outcome=\"MATCHES\""), matches);
        assertTrue(matches.contains(number) && matches.contains("生活污水") && matches.contains("Disposed"), matches);
        assertTrue(matches.contains("Matches: this document matches the ledger."), matches);
        // the signed steps, as the ledger recorded them, to compare with what the document prints (a PDF edited but
        // with its QR code kept matched, and the page showed nothing to tell): action, party, quantity, details, hash
        assertTrue(matches.contains("申报 Declare") && matches.contains("处置 Dispose"), matches);
        assertTrue(
                matches.contains("10.000 m³") && matches.contains("8.800 m³") && matches.contains("8.750 m³"), matches);
        assertTrue(matches.contains("activated sludge") && matches.contains("渝A·D1234"), matches);
        assertTrue(hashes.stream().allMatch(matches::contains), "every step's content hash");
        assertFalse(matches.contains("413800001"), "nothing the document does not print beside its steps");
        // hashes are compared case-insensitively (a QR reader may upper-case)
        assertTrue(verification(id, last.toUpperCase()).contains("data-outcome=\"MATCHES\""));

        String earlier = verification(id, hashes.get(2));
        assertTrue(earlier.contains("data-outcome=\"SUPERSEDED\""), earlier);
        assertTrue(earlier.contains("superseded"), earlier);
        // the steps up to that document's only
        assertTrue(earlier.contains("8.800 m³") && earlier.contains(hashes.get(2)), earlier);
        assertFalse(earlier.contains("activated sludge") || earlier.contains(hashes.get(3)), earlier);

        String wrong = verification(id, "ab".repeat(32));
        assertTrue(wrong.contains("data-outcome=\"NO_MATCH\""), wrong);
        assertTrue(wrong.contains("Does NOT match"), wrong);
        assertFalse(wrong.contains(number), "a wrong hash learns nothing about the manifest");
        // unknown and malformed ids, and malformed hashes, get exactly the same page as a wrong hash
        assertEquals(wrong, verification(UUID.randomUUID().toString(), last));
        assertEquals(wrong, verification("not-a-manifest", last));
        assertEquals(wrong, verification(id, "1234"));
        assertEquals(
                wrong,
                given().get("/verify/manifests/" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        // a hash of another manifest does not vouch for this one
        String other = aClosedSewageManifest();
        assertEquals(wrong, verification(other, last));
        // values are escaped
        assertFalse(verification("<script>", "<b>").contains("<script>"));
    }

    @Test
    void aCopyOfRecordNoLongerMatchesOnceAStepIsChangedInTheDatabase() throws Exception {
        String id = aClosedSewageManifest();
        List<String> hashes = as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id)
                .then()
                .extract()
                .jsonPath()
                .getList("steps.contentHash");
        String last = hashes.get(hashes.size() - 1);
        assertTrue(verification(id, last).contains("data-outcome=\"MATCHES\""));
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            // the receiver's measured quantity changed behind Shoreloop's back
            st.executeUpdate("update manifest_step set quantity = 10 where manifest_id = '" + id + "' and seq = 2");
            try {
                String page = verification(id, last);
                assertTrue(page.contains("data-outcome=\"LEDGER_BROKEN\""), page);
                assertTrue(page.contains("Does NOT match"), page);
                assertFalse(page.contains("data-outcome=\"MATCHES\""));
                try (PDDocument doc = Loader.loadPDF(copyOfRecord(CREW_YU_CONTAINER, id))) {
                    String text = new PDFTextStripper().getText(doc);
                    assertTrue(text.contains("未通过 BROKEN"), "a copy made now says the chain is broken: " + text);
                }
            } finally {
                st.executeUpdate(
                        "update manifest_step set quantity = 8.8 where manifest_id = '" + id + "' and seq = 2");
            }
            assertTrue(verification(id, last).contains("data-outcome=\"MATCHES\""), "restored");

            // a rewritten ledger entry (trigger bypassed as a superuser would) is detected as well
            st.execute("set session_replication_role = replica");
            try {
                st.executeUpdate("update ledger_entry set payload = replace(payload, '\"8.800\"', '\"9.800\"')"
                        + " where manifest_id = '" + id + "' and seq = 3");
                assertTrue(verification(id, last).contains("data-outcome=\"LEDGER_BROKEN\""));
            } finally {
                st.executeUpdate("update ledger_entry set payload = replace(payload, '\"9.800\"', '\"8.800\"')"
                        + " where manifest_id = '" + id + "' and seq = 3");
                st.execute("set session_replication_role = origin");
            }
        }
        assertTrue(verification(id, last).contains("data-outcome=\"MATCHES\""), "restored");
        as(ADMIN).get("/api/v1/ledger/verify").then().statusCode(200).body("intact", equalTo(true));
    }

    /**
     * A step records the names it was signed under (the signing party's, the user's, the next party's) in its signed
     * content: a facility renamed since keeps, on the copies of what it signed and their verification page, the name it
     * signed under. Before, both read the master data of the day they were made.
     */
    @Test
    void aCopyOfRecordShowsTheNamesTheStepsWereSignedUnder() throws Exception {
        String id = aClosedSewageManifest();
        JsonPath manifest = manifest(id);
        assertTrue(manifest.getString("steps[0].partyName").startsWith("渝集装1"), "the crew signs as its vessel");
        assertTrue(manifest.getString("steps[0].userName").contains("王船长"));
        String signedUnder = manifest.getString("steps[4].partyName");
        assertTrue(signedUnder.contains("鸡冠石污水处理厂"), signedUnder);
        // declared without naming the receiver: the one the draft named, named at the declaration too
        String drafted = as(CREW_YU_CONTAINER)
                .body(Map.of(
                        "callId",
                        CALL_YU_CONTAINER_OPEN,
                        "stream",
                        "SEWAGE",
                        "quantity",
                        "3",
                        "receiverId",
                        FACILITY_GUOYUAN))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(CREW_YU_CONTAINER)
                .body(Map.of())
                .post("/api/v1/manifests/" + drafted + "/declare")
                .then()
                .statusCode(200);
        String receiver = as(ADMIN)
                .get("/api/v1/facilities/" + FACILITY_GUOYUAN)
                .then()
                .statusCode(200)
                .extract()
                .path("name");
        assertEquals(receiver, manifest(drafted).getString("steps[1].nextPartyName"));

        String plant = manifest.getString("steps[4].partyId");
        String last = manifest.getString("steps[4].contentHash");
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("update facility set name = ? where id = ?::uuid")) {
            ps.setString(1, "改名后的处理厂");
            ps.setString(2, plant);
            assertEquals(1, ps.executeUpdate());
        }
        try {
            try (PDDocument doc = Loader.loadPDF(copyOfRecord(CREW_YU_CONTAINER, id))) {
                String text = new PDFTextStripper().getText(doc);
                assertTrue(text.contains("鸡冠石污水处理厂"), "the name it signed under: " + text);
                assertFalse(text.contains("改名后的处理厂"), "not today's name: " + text);
                assertTrue(text.contains("通过 Intact"), "the names are part of what the ledger verified");
            }
            String page = verification(id, last);
            assertTrue(page.contains("data-outcome=\"MATCHES\""), page);
            assertTrue(page.contains("鸡冠石污水处理厂") && !page.contains("改名后的处理厂"), page);
        } finally {
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("update facility set name = ? where id = ?::uuid")) {
                ps.setString(1, signedUnder);
                ps.setString(2, plant);
                ps.executeUpdate();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The manifest as its crew reads it. */
    private static JsonPath manifest(String id) {
        return as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** Declared 10 m³, received 8.8 (12 % less: a discrepancy opens), picked up, disposed of 8.75 m³. */
    static String aClosedSewageManifest() {
        return io.shoreloop.manifest.ManifestFlowTest.aDisposedSewageManifest("8.8", "8.75");
    }

    private static byte[] copyOfRecord(String user, String id) {
        return as(user).accept("application/pdf")
                .get("/api/v1/manifests/" + id + "/copy-of-record")
                .then()
                .statusCode(200)
                .contentType("application/pdf")
                .extract()
                .asByteArray();
    }

    /** The public page, fetched without any token. */
    private static String verification(String id, String hash) {
        return given().queryParam("hash", hash)
                .get("/verify/manifests/{id}", id)
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .extract()
                .asString();
    }

    private static void assertCjkFontEmbeddedAsSubset(PDDocument doc) throws Exception {
        PDPage page = doc.getPage(0);
        boolean found = false;
        for (COSName name : page.getResources().getFontNames()) {
            PDFont font = page.getResources().getFont(name);
            assertTrue(font instanceof PDType0Font, "a composite (CID) font: " + font);
            assertTrue(font.isEmbedded(), "embedded: " + font.getName());
            assertTrue(font.getName().matches("^[A-Z]{6}\\+.*"), "a subset: " + font.getName());
            assertTrue(font.getName().contains("NotoSansSC"), font.getName());
            found = true;
        }
        assertTrue(found, "page 1 uses a font");
    }

    /** Renders page 1 at 150 dpi and decodes its QR code. */
    /**
     * Decodes the QR code in the top-right corner of page 1. Rendering and binarising a vector QR is sensitive to the
     * pixel grid, so a few resolutions and both ZXing binarisers are tried on the cropped corner; any success counts.
     */
    private static String decodeQr(PDDocument doc) throws Exception {
        for (int dpi : new int[] {150, 200, 300}) {
            BufferedImage page = new PDFRenderer(doc).renderImageWithDPI(0, dpi, ImageType.RGB);
            int w = page.getWidth() / 2;
            int h = page.getHeight() / 4;
            BufferedImage corner = page.getSubimage(page.getWidth() - w, 0, w, h);
            int[] pixels = corner.getRGB(0, 0, w, h, null, 0, w);
            RGBLuminanceSource source = new RGBLuminanceSource(w, h, pixels);
            for (BinaryBitmap bitmap : List.of(
                    new BinaryBitmap(new HybridBinarizer(source)),
                    new BinaryBitmap(new com.google.zxing.common.GlobalHistogramBinarizer(source)))) {
                try {
                    Result result = new MultiFormatReader()
                            .decode(
                                    bitmap,
                                    Map.of(
                                            DecodeHintType.TRY_HARDER,
                                            Boolean.TRUE,
                                            DecodeHintType.POSSIBLE_FORMATS,
                                            List.of(BarcodeFormat.QR_CODE)));
                    assertNotEquals(null, result.getText());
                    return result.getText();
                } catch (com.google.zxing.NotFoundException e) {
                    // try the next resolution or binariser
                }
            }
        }
        throw new AssertionError("no QR code found in the top-right corner of page 1");
    }
}
