package io.shoreloop.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * A report as a table, for the CSV and XLSX exports: the title and the filters echoed at the top, then one header
 * row (English, or Chinese with {@code lang=zh}) and the same rows as the JSON. CSV is UTF-8 with a byte-order mark
 * (so that spreadsheet programs read the Chinese headers), the echo as {@code #} comment lines; XLSX is written with
 * POI's streaming SXSSF workbook, so that a list of a million manifests never sits in memory as cells.
 */
record ReportTable(String titleEn, String titleZh, Map<String, String> filters, List<Column<?>> columns, List<?> rows) {

    /** One column: its JSON property, its headers and how a row answers it. */
    record Column<T>(String key, String en, String zh, Function<T, Object> value) {}

    static <T> Column<T> col(String key, String en, String zh, Function<T, Object> value) {
        return new Column<>(key, en, zh, value);
    }

    private boolean zh(String lang) {
        return "zh".equalsIgnoreCase(lang);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object cell(Column c, Object row) {
        return c.value().apply(row);
    }

    byte[] csv(String lang) {
        boolean zh = zh(lang);
        StringBuilder out = new StringBuilder("\uFEFF");
        out.append("# ").append(zh ? titleZh : titleEn).append('\n');
        filters.forEach(
                (k, v) -> out.append("# ").append(k).append('=').append(v).append('\n'));
        List<String> header = new ArrayList<>();
        columns.forEach(c -> header.add(zh ? c.zh() : c.en()));
        line(out, header);
        for (Object row : rows) {
            List<String> cells = new ArrayList<>();
            for (Column<?> c : columns) {
                cells.add(text(cell(c, row)));
            }
            line(out, cells);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('#') == 0) {
                out.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                out.append(c);
            }
        }
        out.append('\n');
    }

    void xlsx(String lang, OutputStream target) {
        boolean zh = zh(lang);
        SXSSFWorkbook wb = new SXSSFWorkbook(200);
        try {
            Sheet sheet = wb.createSheet(zh ? "报表" : "Report");
            CellStyle bold = wb.createCellStyle();
            Font font = wb.createFont();
            font.setBold(true);
            bold.setFont(font);
            int r = 0;
            Cell title = sheet.createRow(r++).createCell(0);
            title.setCellValue(zh ? titleZh : titleEn);
            title.setCellStyle(bold);
            for (Map.Entry<String, String> f : filters.entrySet()) {
                Row row = sheet.createRow(r++);
                row.createCell(0).setCellValue(f.getKey());
                row.createCell(1).setCellValue(f.getValue());
            }
            r++;
            Row header = sheet.createRow(r++);
            for (int i = 0; i < columns.size(); i++) {
                Cell c = header.createCell(i);
                c.setCellValue(zh ? columns.get(i).zh() : columns.get(i).en());
                c.setCellStyle(bold);
            }
            for (Object item : rows) {
                Row row = sheet.createRow(r++);
                for (int i = 0; i < columns.size(); i++) {
                    Object v = cell(columns.get(i), item);
                    if (v == null) {
                        continue;
                    }
                    Cell c = row.createCell(i);
                    if (v instanceof Number n) {
                        c.setCellValue(n.doubleValue());
                    } else {
                        c.setCellValue(v.toString());
                    }
                }
            }
            wb.write(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            wb.dispose();
            try {
                wb.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    byte[] xlsx(String lang) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        xlsx(lang, out);
        return out.toByteArray();
    }
}
