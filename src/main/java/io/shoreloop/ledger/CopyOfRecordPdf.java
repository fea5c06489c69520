package io.shoreloop.ledger;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.shoreloop.identity.Actor;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * Draws the copy of record (联单存档件) of a manifest as a bilingual A4 PDF: the manifest, every signed step with its
 * content hash, open discrepancies, the ledger head and whether it verified, and a QR code that opens the public
 * verification page for the last step's hash. Text is set in Noto Sans SC (shipped in {@code fonts/}), embedded as a
 * subset. The data is read first ({@link CopyOfRecordService#take}, one short transaction); drawing holds no
 * transaction.
 */
@ApplicationScoped
public class CopyOfRecordPdf {

    /** The font file, read once; each document parses it anew (a parsed TrueType font is not thread-safe). */
    private static final String FONT = "/fonts/NotoSansSC-Regular.ttf";

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final float MARGIN = 40;
    private static final float WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;
    private static final float QR_SIZE = 110;

    private final CopyOfRecordService records;
    private final ShoreloopConfig config;

    public CopyOfRecordPdf(CopyOfRecordService records, ShoreloopConfig config) {
        this.records = records;
        this.config = config;
    }

    /** A rendered document and the file name to offer it under. */
    public record Document(String fileName, byte[] bytes) {}

    /** The copy of record of a manifest the actor may see (404 otherwise). */
    public Document forManifest(Actor actor, UUID id) {
        CopyOfRecord record = records.take(actor, id);
        return new Document(record.number() + "-copy-of-record.pdf", render(record, config.publicBaseUrl()));
    }

    /** Draws a copy of record; the same record always gives the same text. */
    static byte[] render(CopyOfRecord r, String publicBaseUrl) {
        try (PDDocument doc = new PDDocument()) {
            // embedded as a subset, horizontal (the last argument asks for vertical writing, Identity-V)
            PDType0Font font = PDType0Font.load(doc, new RandomAccessReadBuffer(FontFile.BYTES), true, false);
            Layout out = new Layout(doc, font);
            String url = r.verificationUrl(publicBaseUrl);
            info(doc, r);
            out.qr(url);
            out.line("船舶污染物接收转运处置联单", 16, WIDTH - QR_SIZE - 10);
            out.line("Ship pollutant e-manifest — copy of record", 12, WIDTH - QR_SIZE - 10);
            out.gap(6);
            header(out, r);
            out.clearQr();
            steps(out, r);
            discrepancies(out, r);
            ledger(out, r, url);
            out.footers(r.number());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            doc.save(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void info(PDDocument doc, CopyOfRecord r) {
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle("船舶污染物接收转运处置联单 / Ship pollutant e-manifest " + r.number() + " — copy of record");
        info.setSubject("Manifest " + r.manifestId());
        info.setCreator("Shoreloop");
        info.setProducer("Shoreloop");
        Calendar at = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        at.setTimeInMillis(r.generatedAt().toEpochMilli());
        info.setCreationDate(at);
        info.setModificationDate(at);
    }

    private static void header(Layout out, CopyOfRecord r) throws IOException {
        float w = WIDTH - QR_SIZE - 10;
        out.field("联单编号 Manifest number", r.number(), w);
        out.field("船舶 Vessel", r.vesselName() + (r.mmsi() == null ? "" : "  ·  MMSI " + r.mmsi()), w);
        out.field(
                "港口 Port",
                r.portName() + (r.portCode() == null ? "" : " (" + r.portCode() + ")") + "  ·  时区 Time zone "
                        + r.zone().getId(),
                w);
        String call = (r.berthName() == null ? "" : r.berthName() + "  ·  ")
                + "抵港 Arrived " + time(r.arrival(), r.zone())
                + (r.departure() == null ? "" : "  ·  离港 Departed " + time(r.departure(), r.zone()));
        out.field("靠港 Call", call, w);
        Labels.Bilingual stream = Labels.stream(r.stream());
        out.field("污染物 Stream", stream.both() + " (" + r.stream().name() + ")", w);
        out.field("计量单位 Unit", Labels.unitName(r.unit()).both(), w);
        out.field(
                "申报数量 Declared quantity",
                qty(r.declaredQuantity(), r) + "  ("
                        + Labels.method(r.declaredMethod()).both() + ")",
                w);
        out.field("当前数量 Current quantity", qty(r.currentQuantity(), r), w);
        out.field("状态 State", Labels.state(r.state()).both() + " (" + r.state().name() + ")", w);
        if (r.cargoName() != null) {
            out.field(
                    "货物 Cargo", r.cargoName() + (r.nlsCategory() == null ? "" : "  ·  NLS " + r.nlsCategory()), WIDTH);
        }
        if (r.garbageCategory() != null) {
            out.field("垃圾类别 Garbage category", r.garbageCategory(), WIDTH);
        }
        if (r.parent() != null) {
            out.field("拒收转出自 Refused part of", related(r.parent()), WIDTH);
        }
        for (CopyOfRecord.Related l : r.linked()) {
            out.field("拒收转入 Refused part to", related(l), WIDTH);
        }
        if (r.cancelReason() != null) {
            out.field("撤销原因 Cancellation reason", r.cancelReason(), WIDTH);
        }
        out.field("联单标识 Manifest id", r.manifestId().toString(), WIDTH);
    }

    private static final float[] COLUMNS = {24, 58, 150, 118, 70, WIDTH - 24 - 58 - 150 - 118 - 70};
    private static final List<String> HEADINGS =
            List.of("序号\nNo.", "步骤\nStep", "签署方\nSigned by", "时间\nTime", "数量\nQuantity", "详情\nDetails");

    private static void steps(Layout out, CopyOfRecord r) throws IOException {
        out.gap(8);
        out.heading("签署步骤 Signed steps (" + r.steps().size() + ")");
        out.tableHeader(COLUMNS, HEADINGS);
        for (CopyOfRecord.SignedStep s : r.steps()) {
            Labels.Bilingual action = Labels.action(s.action());
            Labels.Bilingual role = Labels.role(s.role());
            List<String> details = new ArrayList<>();
            if (s.vehicle() != null) {
                details.add("车船 Vehicle: " + s.vehicle());
            }
            if (s.treatment() != null) {
                details.add("处置方式 Treatment: " + s.treatment());
            }
            if (s.nextParty() != null) {
                details.add("交予 Next party: " + s.nextParty());
            }
            if (s.refusedQuantity() != null) {
                details.add("拒收 Refused: " + qty(s.refusedQuantity(), r));
            }
            if (s.reason() != null) {
                details.add("原因 Reason: " + s.reason());
            }
            if (s.evidence() != null) {
                details.add("凭证 Evidence: " + s.evidence());
            }
            String quantity = s.quantity() == null
                    ? "—"
                    : qty(s.quantity(), r)
                            + (s.method() == null
                                    ? ""
                                    : "\n" + Labels.method(s.method()).both());
            List<String> cells = List.of(
                    String.valueOf(s.seq() + 1),
                    action.zh() + "\n" + action.en(),
                    role.both() + "\n" + s.party() + "\n签署人 User: " + s.user(),
                    time(s.at(), r.zone()) + "\n" + UTC.format(s.at()),
                    quantity,
                    details.isEmpty() ? "—" : String.join("\n", details));
            out.tableRow(COLUMNS, cells, HEADINGS, "内容哈希 Content hash (SHA-256): " + s.contentHash());
        }
    }

    private static void discrepancies(Layout out, CopyOfRecord r) throws IOException {
        out.gap(10);
        out.heading("未解决的数量差异 Open discrepancies (" + r.openDiscrepancies().size() + ")");
        if (r.openDiscrepancies().isEmpty()) {
            out.paragraph("无 None", 9);
        }
        for (CopyOfRecord.OpenDiscrepancy d : r.openDiscrepancies()) {
            out.paragraph(
                    "步骤 Step " + (d.stepSeq() + 1) + ": " + qty(d.previousQuantity(), r) + " → "
                            + qty(d.newQuantity(), r) + "  ("
                            + d.deviationPercent().toPlainString() + " %)  ·  自 since "
                            + time(d.openedAt(), r.zone()),
                    9);
        }
    }

    private static void ledger(Layout out, CopyOfRecord r, String url) throws IOException {
        out.gap(10);
        out.heading("账本 Ledger");
        out.field("链长 Chain length", r.chainLength() + " 条记录 entries", WIDTH);
        out.field("链头哈希 Chain head hash", r.chainHead() == null ? "—" : r.chainHead(), WIDTH);
        out.field(
                "生成时校验 Verified at generation",
                r.chainVerified() ? "通过 Intact" : "未通过 BROKEN: " + r.brokenLink(),
                WIDTH);
        out.field("生成时间 Generated at", time(r.generatedAt(), r.zone()) + "  ·  " + UTC.format(r.generatedAt()), WIDTH);
        out.field("核验地址 Verification URL", url, WIDTH);
    }

    private static String related(CopyOfRecord.Related m) {
        return (m.number() == null ? "" : m.number() + "  ·  ") + m.id();
    }

    private static String qty(BigDecimal value, CopyOfRecord r) {
        return value == null ? "—" : value.toPlainString() + " " + Labels.unit(r.unit());
    }

    private static String time(Instant at, ZoneId zone) {
        return at == null ? "—" : LOCAL.format(at.atZone(zone));
    }

    /** The font file, read from the class path once. */
    private static final class FontFile {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try (InputStream in = CopyOfRecordPdf.class.getResourceAsStream(FONT)) {
                if (in == null) {
                    throw new IllegalStateException("Font " + FONT + " is missing from the class path");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A minimal flowing layout: lines, wrapped paragraphs, a table with a repeated header, page breaks. */
    private static final class Layout {
        private static final float TOP = PDRectangle.A4.getHeight() - MARGIN;
        private static final float BOTTOM = MARGIN + 20;
        private static final float PAD = 3;

        private final PDDocument doc;
        private final PDType0Font font;
        private final Map<Integer, Boolean> printable = new HashMap<>();
        private PDPageContentStream cs;
        private float y;
        private float qrBottom = -1;

        Layout(PDDocument doc, PDType0Font font) throws IOException {
            this.doc = doc;
            this.font = font;
            newPage();
        }

        private void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            y = TOP;
        }

        private void ensure(float height) throws IOException {
            if (y - height < BOTTOM) {
                newPage();
            }
        }

        /** The QR code in the top right corner of the first page. */
        void qr(String content) throws IOException {
            BitMatrix matrix;
            try {
                matrix = new QRCodeWriter()
                        .encode(
                                content,
                                BarcodeFormat.QR_CODE,
                                0,
                                0,
                                Map.of(
                                        EncodeHintType.ERROR_CORRECTION,
                                        ErrorCorrectionLevel.M,
                                        EncodeHintType.MARGIN,
                                        0,
                                        EncodeHintType.CHARACTER_SET,
                                        "UTF-8"));
            } catch (WriterException e) {
                throw new IllegalStateException("QR code cannot hold " + content.length() + " characters", e);
            }
            float module = QR_SIZE / matrix.getWidth();
            float left = MARGIN + WIDTH - QR_SIZE;
            float top = TOP;
            cs.setNonStrokingColor(0f);
            for (int row = 0; row < matrix.getHeight(); row++) {
                int col = 0;
                while (col < matrix.getWidth()) {
                    if (!matrix.get(col, row)) {
                        col++;
                        continue;
                    }
                    int start = col;
                    while (col < matrix.getWidth() && matrix.get(col, row)) {
                        col++;
                    }
                    cs.addRect(left + start * module, top - (row + 1) * module, (col - start) * module, module);
                }
            }
            cs.fill();
            String caption = "扫码核验 Scan to verify";
            float captionWidth = width(caption, 7);
            show(caption, left + (QR_SIZE - captionWidth) / 2, top - QR_SIZE - 9, 7);
            qrBottom = top - QR_SIZE - 14;
        }

        /** Moves below the QR code once the header beside it is done. */
        void clearQr() {
            if (qrBottom >= 0 && y > qrBottom) {
                y = qrBottom;
            }
            qrBottom = -1;
        }

        void gap(float points) {
            y -= points;
        }

        void line(String text, float size, float width) throws IOException {
            for (String l : wrap(text, size, width)) {
                ensure(size * 1.35f);
                y -= size * 1.35f;
                show(l, MARGIN, y, size);
            }
        }

        void heading(String text) throws IOException {
            ensure(40);
            line(text, 11, WIDTH);
            y -= 2;
        }

        void paragraph(String text, float size) throws IOException {
            line(text, size, WIDTH);
        }

        /** "label: value", each wrapped in its own column. */
        void field(String label, String value, float width) throws IOException {
            float size = 9;
            float labelWidth = 170;
            List<String> labels = wrap(label, size, labelWidth - 6);
            List<String> values = wrap(value == null ? "—" : value, size, width - labelWidth);
            int lines = Math.max(labels.size(), values.size());
            ensure(lines * size * 1.4f);
            for (int i = 0; i < lines; i++) {
                y -= size * 1.4f;
                if (i < labels.size()) {
                    show(labels.get(i), MARGIN, y, size);
                }
                if (i < values.size()) {
                    show(values.get(i), MARGIN + labelWidth, y, size);
                }
            }
        }

        void tableHeader(float[] columns, List<String> headings) throws IOException {
            row(columns, headings, 8, true);
        }

        /** A step: its cells, then full-width lines (the content hash) that never share a line with another cell. */
        void tableRow(float[] columns, List<String> cells, List<String> headings, String footer) throws IOException {
            float size = 7.5f;
            float lead = size * 1.3f;
            List<List<String>> wrapped = wrapCells(columns, cells, size);
            List<String> footerLines = wrap(footer, size, WIDTH - 2 * PAD);
            int lines = wrapped.stream().mapToInt(List::size).max().orElse(1);
            float height = (lines + footerLines.size()) * lead + 4 * PAD;
            if (y - height < BOTTOM) {
                newPage();
                tableHeader(columns, headings);
            }
            row(columns, cells, size, false);
            float top = y;
            y -= PAD;
            for (String l : footerLines) {
                y -= lead;
                show(l, MARGIN + PAD, y + size * 0.25f, size);
            }
            y -= PAD;
            cs.setLineWidth(0.5f);
            cs.addRect(MARGIN, y, WIDTH, top - y);
            cs.stroke();
        }

        private void row(float[] columns, List<String> cells, float size, boolean shaded) throws IOException {
            float lead = size * 1.3f;
            List<List<String>> wrapped = wrapCells(columns, cells, size);
            int lines = wrapped.stream().mapToInt(List::size).max().orElse(1);
            float height = lines * lead + 2 * PAD;
            ensure(height);
            float top = y;
            if (shaded) {
                cs.setNonStrokingColor(0.9f);
                cs.addRect(MARGIN, top - height, WIDTH, height);
                cs.fill();
                cs.setNonStrokingColor(0f);
            }
            float x = MARGIN;
            for (int c = 0; c < columns.length; c++) {
                float ly = top - PAD;
                for (String l : wrapped.get(c)) {
                    ly -= lead;
                    show(l, x + PAD, ly + size * 0.25f, size);
                }
                x += columns[c];
            }
            cs.setLineWidth(0.5f);
            x = MARGIN;
            for (float w : columns) {
                cs.addRect(x, top - height, w, height);
                x += w;
            }
            cs.stroke();
            y = top - height;
        }

        private List<List<String>> wrapCells(float[] columns, List<String> cells, float size) throws IOException {
            List<List<String>> wrapped = new ArrayList<>();
            for (int c = 0; c < columns.length; c++) {
                List<String> lines = new ArrayList<>();
                for (String part : cells.get(c).split("\n", -1)) {
                    lines.addAll(wrap(part, size, columns[c] - 2 * PAD));
                }
                wrapped.add(lines);
            }
            return wrapped;
        }

        private void show(String text, float x, float baseline, float size) throws IOException {
            if (text.isEmpty()) {
                return;
            }
            cs.beginText();
            cs.setFont(font, size);
            cs.newLineAtOffset(x, baseline);
            cs.showText(text);
            cs.endText();
        }

        /** Splits text into lines that fit: at spaces, between CJK characters, or anywhere in an overlong word. */
        List<String> wrap(String raw, float size, float width) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String unit : units(printable(raw))) {
                boolean space = unit.equals(" ");
                if (line.length() == 0 && space) {
                    continue;
                }
                if (width(line + unit, size) <= width) {
                    line.append(unit);
                    continue;
                }
                if (line.length() > 0) {
                    lines.add(line.toString().stripTrailing());
                    line.setLength(0);
                }
                if (space) {
                    continue;
                }
                for (int i = 0; i < unit.length(); ) {
                    String ch = new String(Character.toChars(unit.codePointAt(i)));
                    if (line.length() > 0 && width(line + ch, size) > width) {
                        lines.add(line.toString());
                        line.setLength(0);
                    }
                    line.append(ch);
                    i += ch.length();
                }
            }
            if (line.length() > 0 || lines.isEmpty()) {
                lines.add(line.toString().stripTrailing());
            }
            return lines;
        }

        /** Words, single spaces and single CJK characters (each a place to break). */
        private static List<String> units(String text) {
            List<String> units = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                boolean space = cp == ' ';
                boolean cjk = Character.isIdeographic(cp)
                        || Character.UnicodeBlock.of(cp) == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                        || Character.UnicodeBlock.of(cp) == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
                if (space || cjk) {
                    if (word.length() > 0) {
                        units.add(word.toString());
                        word.setLength(0);
                    }
                    units.add(new String(Character.toChars(cp)));
                } else {
                    word.appendCodePoint(cp);
                }
            }
            if (word.length() > 0) {
                units.add(word.toString());
            }
            return units;
        }

        private float width(String text, float size) throws IOException {
            return font.getStringWidth(text) / 1000f * size;
        }

        /** Replaces control characters with spaces and characters the font cannot show with '?'. */
        private String printable(String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.codePoints().forEach(cp -> {
                if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
                    out.append(' ');
                } else if (printable.computeIfAbsent(cp, this::canShow)) {
                    out.appendCodePoint(cp);
                } else {
                    out.append('?');
                }
            });
            return out.toString();
        }

        private boolean canShow(int cp) {
            try {
                font.encode(new String(Character.toChars(cp)));
                return true;
            } catch (IllegalArgumentException | IOException e) {
                return false;
            }
        }

        /** Closes the last page and numbers every page. */
        void footers(String number) throws IOException {
            cs.close();
            int pages = doc.getNumberOfPages();
            for (int i = 0; i < pages; i++) {
                try (PDPageContentStream footer = new PDPageContentStream(
                        doc, doc.getPage(i), PDPageContentStream.AppendMode.APPEND, true, true)) {
                    footer.beginText();
                    footer.setFont(font, 7);
                    footer.newLineAtOffset(MARGIN, MARGIN - 10);
                    footer.showText(printable("联单 Manifest " + number + "  ·  第 " + (i + 1) + " / " + pages + " 页 Page "
                            + (i + 1) + " of " + pages));
                    footer.endText();
                }
            }
        }
    }
}
