package io.shoreloop.ledger;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The public verification page, a plain bilingual HTML document; every value is escaped. */
final class VerificationPage {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private VerificationPage() {}

    static String html(CopyOfRecordService.Verification v) {
        String zh;
        String en;
        String colour;
        switch (v.outcome()) {
            case MATCHES -> {
                zh = "一致：本文件与账本记录相符。";
                en = "Matches: this document matches the ledger.";
                colour = "#1b5e20";
            }
            case SUPERSEDED -> {
                zh = "一致，但已被取代：本文件与账本中较早的一个签署步骤相符，此后联单已有新的签署步骤。";
                en = "Matches an earlier signed step: the document was correct then, but later steps have superseded"
                        + " it. Ask for a new copy of record.";
                colour = "#e65100";
            }
            case LEDGER_BROKEN -> {
                zh = "不一致：该联单的账本校验未通过，本文件不可信。";
                en = "Does NOT match: the ledger of this manifest fails verification; do not rely on this document.";
                colour = "#b71c1c";
            }
            default -> {
                zh = "不一致：账本中没有与本文件相符的记录（或联单不存在）。";
                en = "Does NOT match: no signed step in the ledger has this document's hash (or the manifest is"
                        + " unknown).";
                colour = "#b71c1c";
            }
        }
        StringBuilder h = new StringBuilder(2048);
        h.append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"robots\" content=\"noindex\">\n")
                .append("<title>联单核验 Manifest verification — Shoreloop</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;")
                .append("line-height:1.5}h1{font-size:1.3rem}.verdict{border-left:.4rem solid ")
                .append(colour)
                .append(";padding:.5rem 1rem}dt{font-weight:bold}dd{margin:0 0 .5rem 0}")
                .append("h2{font-size:1.05rem}table{border-collapse:collapse;font-size:.85rem}")
                .append("th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}")
                .append("code{word-break:break-all;font-size:.75rem}</style>\n")
                .append("</head>\n<body>\n<h1>船舶污染物联单核验 / Ship pollutant e-manifest verification</h1>\n")
                .append("<main data-outcome=\"")
                .append(v.outcome().name())
                .append("\">\n<div class=\"verdict\">\n<p lang=\"zh-CN\"><strong>")
                .append(escape(zh))
                .append("</strong></p>\n<p lang=\"en\"><strong>")
                .append(escape(en))
                .append("</strong></p>\n</div>\n");
        if (v.number() != null) {
            Labels.Bilingual stream = Labels.stream(v.stream());
            Labels.Bilingual state = Labels.state(v.state());
            h.append("<dl>\n");
            item(h, "联单编号 Manifest number", v.number());
            item(h, "污染物 Stream", stream.both());
            item(h, "当前状态 Current state", state.both());
            item(h, "相符步骤的签署时间 Time of the matching step", time(v.stepAt(), v.zone()));
            h.append("</dl>\n");
            steps(h, v);
        }
        h.append("</main>\n<footer><p><small>本页仅回答持有该哈希的文件是否与账本一致。 This page only answers whether a")
                .append(" document carrying this hash matches the ledger.</small></p></footer>\n</body>\n</html>\n");
        return h.toString();
    }

    /**
     * The signed steps up to the document's, as the ledger recorded them: what the document prints, so that its text
     * can be compared (a document edited but with its QR code kept carries a matching hash).
     */
    private static void steps(StringBuilder h, CopyOfRecordService.Verification v) {
        if (v.steps().isEmpty()) {
            return;
        }
        h.append("<h2>账本记录的签署步骤（截至本文件） / Signed steps the ledger recorded, up to this document</h2>\n")
                .append("<p><small>请与文件所印内容逐项核对。 Compare them with what the document prints.</small></p>\n")
                .append("<table>\n<thead><tr><th>#</th><th>步骤 Step</th><th>签署方 Signed by</th>")
                .append("<th>时间 Time</th><th>数量 Quantity</th><th>详情 Details</th><th>内容哈希 Content hash</th>")
                .append("</tr></thead>\n<tbody>\n");
        String unit = v.unit() == null ? "" : " " + Labels.unit(v.unit());
        for (CopyOfRecordService.SignedLine s : v.steps()) {
            StringBuilder quantity = new StringBuilder();
            if (s.quantity() != null) {
                quantity.append(s.quantity().toPlainString()).append(unit);
                if (s.method() != null) {
                    quantity.append(" (")
                            .append(Labels.method(s.method()).both())
                            .append(')');
                }
            }
            StringBuilder details = new StringBuilder();
            if (s.refusedQuantity() != null) {
                details.append("拒收 Refused ")
                        .append(s.refusedQuantity().toPlainString())
                        .append(unit);
            }
            for (String d : new String[] {s.vehicle(), s.treatment()}) {
                if (d != null && !d.isBlank()) {
                    details.append(details.length() == 0 ? "" : "; ").append(d);
                }
            }
            h.append("<tr><td>")
                    .append(s.seq() + 1)
                    .append("</td><td>")
                    .append(escape(Labels.action(s.action()).both()))
                    .append("</td><td>")
                    .append(escape(s.party() == null ? "—" : s.party()))
                    .append("</td><td>")
                    .append(escape(time(s.at(), v.zone())))
                    .append("</td><td>")
                    .append(escape(quantity.length() == 0 ? "—" : quantity.toString()))
                    .append("</td><td>")
                    .append(escape(details.length() == 0 ? "—" : details.toString()))
                    .append("</td><td><code>")
                    .append(escape(s.contentHash()))
                    .append("</code></td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void item(StringBuilder h, String label, String value) {
        h.append("<dt>")
                .append(escape(label))
                .append("</dt><dd>")
                .append(escape(value))
                .append("</dd>\n");
    }

    private static String time(Instant at, ZoneId zone) {
        if (at == null) {
            return "—";
        }
        return LOCAL.format(at.atZone(zone == null ? ZoneOffset.UTC : zone)) + " (" + UTC.format(at) + ")";
    }

    /** Escapes text for HTML element content and attribute values. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
