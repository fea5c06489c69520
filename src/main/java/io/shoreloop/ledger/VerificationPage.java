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
                .append("<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;")
                .append("line-height:1.5}h1{font-size:1.3rem}.verdict{border-left:.4rem solid ")
                .append(colour)
                .append(";padding:.5rem 1rem}dt{font-weight:bold}dd{margin:0 0 .5rem 0}</style>\n")
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
        }
        h.append("</main>\n<footer><p><small>本页仅回答持有该哈希的文件是否与账本一致。 This page only answers whether a")
                .append(" document carrying this hash matches the ledger.</small></p></footer>\n</body>\n</html>\n");
        return h.toString();
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
