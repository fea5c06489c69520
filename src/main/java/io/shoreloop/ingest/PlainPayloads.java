package io.shoreloop.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * The payload every meter sends, read straight from its bytes: one flat reading object, or an array of them, whose
 * field names are the contract's, whose strings are printable ASCII without escapes and whose numbers are plain
 * decimals (no sign, no exponent, at most fifteen digits). Anything else, valid or not, answers {@code null} and goes
 * to Jackson's streaming pass and then to the checked path, so the answer never depends on which pass read a payload
 * (a property test compares them). Creating a Jackson parser for each message of ~200 bytes (the parser, its
 * contexts, buffers and a child symbol table) was a fifth of the bytes the live benchmark allocated.
 */
final class PlainPayloads {

    private static final byte[][] NAMES = {
        bytes("meter"),
        bytes("ts"),
        bytes("vessel"),
        bytes("seq"),
        bytes("energyKwh"),
        bytes("powerKw"),
        bytes("voltageV"),
        bytes("currentA"),
        bytes("frequencyHz"),
        bytes("breakerClosed")
    };

    private static final int METER = 0;
    private static final int TS = 1;
    private static final int VESSEL = 2;
    private static final int SEQ = 3;
    private static final int ENERGY = 4;
    private static final int POWER = 5;
    private static final int VOLTAGE = 6;
    private static final int CURRENT = 7;
    private static final int FREQUENCY = 8;
    private static final int BREAKER = 9;

    /** Powers of ten that are exact doubles, for the decimals of at most fifteen digits read here. */
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    private static final int MAX_DIGITS = 15;

    private final byte[] b;
    private int pos;

    private PlainPayloads(byte[] payload) {
        this.b = payload;
    }

    private static byte[] bytes(String name) {
        return name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The readings, when the payload is plainly valid and in the plain shape; otherwise {@code null}. */
    static List<PayloadParser.Element> read(
            PayloadParser parser, PayloadParser.Topic topic, byte[] payload, java.time.Instant now) {
        PlainPayloads s = new PlainPayloads(payload);
        s.skipSpace();
        List<PayloadParser.Element> out;
        if (s.at('{')) {
            PayloadParser.ParsedReading r = s.object(parser, topic, now);
            if (r == null) {
                return null;
            }
            out = List.of(new PayloadParser.Element(r, null, null));
        } else if (s.at('[')) {
            s.pos++;
            out = new ArrayList<>();
            while (true) {
                s.skipSpace();
                if (!s.at('{')) {
                    return null;
                }
                PayloadParser.ParsedReading r = s.object(parser, topic, now);
                if (r == null) {
                    return null;
                }
                out.add(new PayloadParser.Element(r, null, null));
                s.skipSpace();
                if (s.at(',')) {
                    s.pos++;
                } else if (s.at(']')) {
                    s.pos++;
                    break;
                } else {
                    return null;
                }
            }
        } else {
            return null;
        }
        s.skipSpace();
        return s.pos == payload.length ? out : null;
    }

    /** One reading object, at its {@code '{'}; {@code null} when it is not plainly valid in the plain shape. */
    private PayloadParser.ParsedReading object(PayloadParser parser, PayloadParser.Topic topic, java.time.Instant now) {
        pos++;
        String meter = null;
        String ts = null;
        String vessel = null;
        long seq = -1;
        long registerWh = -1;
        Double power = null;
        Double voltage = null;
        Double current = null;
        Double frequency = null;
        Boolean breaker = null;
        int seen = 0;
        while (true) {
            skipSpace();
            int field = name();
            if (field < 0 || (seen & (1 << field)) != 0) {
                return null; // another name, or a name given twice (invalid JSON to the checked path)
            }
            seen |= 1 << field;
            skipSpace();
            if (!at(':')) {
                return null;
            }
            pos++;
            skipSpace();
            switch (field) {
                case METER -> {
                    meter = meter(topic.meter());
                    if (meter == null) {
                        return null;
                    }
                }
                case TS -> {
                    ts = string();
                    if (ts == null) {
                        return null;
                    }
                }
                case VESSEL -> {
                    vessel = string();
                    if (vessel == null) {
                        return null;
                    }
                }
                case SEQ -> {
                    seq = decimal(0);
                    if (seq < 0) {
                        return null;
                    }
                }
                case ENERGY -> {
                    registerWh = decimal(3);
                    if (registerWh < 0) {
                        return null;
                    }
                }
                case BREAKER -> {
                    breaker = literal();
                    if (breaker == null) {
                        return null;
                    }
                }
                default -> {
                    Double value = number();
                    if (value == null) {
                        return null;
                    }
                    switch (field) {
                        case POWER -> power = value;
                        case VOLTAGE -> voltage = value;
                        case CURRENT -> current = value;
                        default -> frequency = value;
                    }
                }
            }
            skipSpace();
            if (at(',')) {
                pos++;
            } else if (at('}')) {
                pos++;
                break;
            } else {
                return null;
            }
        }
        if (registerWh < 0) {
            return null;
        }
        return parser.plainReading(
                topic, meter, ts, vessel, seq, registerWh, power, voltage, current, frequency, breaker, now);
    }

    private boolean at(char c) {
        return pos < b.length && b[pos] == c;
    }

    private void skipSpace() {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
    }

    /** The index of the field name at the cursor among {@link #NAMES}, else -1. */
    private int name() {
        int start = pos + 1;
        int end = plainString();
        if (end < 0) {
            return -1;
        }
        int length = end - start;
        for (int i = 0; i < NAMES.length; i++) {
            byte[] n = NAMES[i];
            if (n.length == length && java.util.Arrays.equals(b, start, end, n, 0, length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Past a string of printable ASCII without escapes at the cursor; answers the index of its closing quote (the
     * cursor after it), else -1.
     */
    private int plainString() {
        if (!at('"')) {
            return -1;
        }
        for (int i = pos + 1; i < b.length; i++) {
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                return i;
            }
            if (c < 0x20 || c > 0x7E || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    private String string() {
        int start = pos + 1;
        int end = plainString();
        return end < 0 ? null : new String(b, start, end - start, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The topic's meter code when the string at the cursor is that code (one string for all its readings). */
    private String meter(String code) {
        int start = pos + 1;
        int end = plainString();
        if (end < 0 || end - start != code.length()) {
            return null;
        }
        for (int i = 0; i < code.length(); i++) {
            if (b[start + i] != code.charAt(i)) {
                return null;
            }
        }
        return code;
    }

    private Boolean literal() {
        if (word("true")) {
            return Boolean.TRUE;
        }
        return word("false") ? Boolean.FALSE : null;
    }

    /** Past the literal {@code w} at the cursor, when it is there as a whole word; the cursor stays otherwise. */
    private boolean word(String w) {
        if (pos + w.length() > b.length) {
            return false;
        }
        for (int i = 0; i < w.length(); i++) {
            if (b[pos + i] != w.charAt(i)) {
                return false;
            }
        }
        pos += w.length();
        if (digitOrLetterAt()) {
            pos -= w.length();
            return false;
        }
        return true;
    }

    private boolean digitOrLetterAt() {
        return pos < b.length && (Character.isLetterOrDigit(b[pos]) || b[pos] == '.' || b[pos] == '-' || b[pos] == '+');
    }

    /**
     * A plain non-negative decimal with at most {@code scale} fraction digits, as an integer of units of
     * 10^-scale ({@code 12.5} at scale 3 is 12500); -1 if the number at the cursor is anything else.
     */
    private long decimal(int scale) {
        if (!plainNumber() || fraction > scale) {
            return -1;
        }
        long units = mantissa;
        for (int f = fraction; f < scale; f++) {
            units *= 10;
        }
        return units;
    }

    /** A plain non-negative number of at most fifteen digits, correctly rounded, else {@code null}. */
    private Double number() {
        // mantissa < 10^15 < 2^53 and 10^fraction are exact doubles: their quotient is the correctly rounded value
        // of the decimal, as Double.parseDouble (and the checked path's BigDecimal) reads it
        return plainNumber() ? mantissa / POW10[fraction] : null;
    }

    /** The digits of the number just read by {@link #plainNumber}, without its point, and how many follow the point. */
    private long mantissa;

    private int fraction;

    /**
     * Past a JSON number at the cursor without sign or exponent and of at most fifteen digits, its digits in
     * {@link #mantissa} and {@link #fraction}; {@code false} for any other number or none.
     */
    private boolean plainNumber() {
        int start = pos;
        mantissa = integerPart();
        if (mantissa < 0) {
            return false;
        }
        int digits = pos - start;
        fraction = 0;
        if (at('.')) {
            pos++;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                if (++digits > MAX_DIGITS) {
                    return false;
                }
                fraction++;
                mantissa = mantissa * 10 + (b[pos++] - '0');
            }
            if (fraction == 0) {
                return false;
            }
        }
        return !digitOrLetterAt(); // else an exponent, or not a number
    }

    /** The digits of a JSON integer part (no sign, no leading zero), at most fifteen; -1 if none or too many. */
    private long integerPart() {
        if (pos >= b.length || b[pos] < '0' || b[pos] > '9') {
            return -1;
        }
        if (b[pos] == '0') {
            pos++;
            return pos < b.length && b[pos] >= '0' && b[pos] <= '9' ? -1 : 0;
        }
        long value = 0;
        int digits = 0;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            if (++digits > MAX_DIGITS) {
                return -1;
            }
            value = value * 10 + (b[pos++] - '0');
        }
        return value;
    }
}
