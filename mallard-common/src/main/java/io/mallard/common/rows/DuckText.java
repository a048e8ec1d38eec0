package io.mallard.common.rows;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.PeriodDuration;

/**
 * Values spelled as DuckDB spells them when it casts them to VARCHAR, which is what its shell prints: BLOBs with
 * {@code \xAA} escapes, intervals as {@code 1 year 2 months 3 days 04:05:06.789}, timestamps with time zone with their
 * offset, doubles in their shortest form ({@code 1e+20}), lists as {@code [1, 2]}, structs as {@code {'a': 1}}, maps as
 * {@code {k=v}}; inside those, strings are quoted only where DuckDB quotes them. Checked against the pinned DuckDB in
 * {@code DuckTextTest}.
 */
public final class DuckText {
    private static final String SPECIAL_IN_NESTED = "[]{}(),:='\"\\";

    private DuckText() {
    }

    /** A top-level value; null is {@code NULL}. */
    public static String format(Object value) {
        return format(value, false);
    }

    private static String format(Object value, boolean nested) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof String s) {
            return nested ? nestedString(s) : s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Double d) {
            return doubleText(d);
        }
        if (value instanceof byte[] bytes) {
            return blob(bytes);
        }
        if (value instanceof PeriodDuration p) {
            return interval(p);
        }
        if (value instanceof LocalDateTime t) {
            return quotedIfNested(t.toLocalDate() + " " + time(t.toLocalTime()), nested);
        }
        if (value instanceof LocalTime t) {
            return quotedIfNested(time(t), nested);
        }
        if (value instanceof OffsetDateTime t) {
            return quotedIfNested(t.toLocalDate() + " " + time(t.toLocalTime()) + offset(t.getOffset().getTotalSeconds()),
                    nested);
        }
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(format(list.get(i), true));
            }
            return b.append(']').toString();
        }
        if (value instanceof ArrowValues.MapValue map) {
            StringBuilder b = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<Object, Object> e : map.entrySet()) {
                b.append(first ? "" : ", ").append(format(e.getKey(), true)).append('=').append(format(e.getValue(), true));
                first = false;
            }
            return b.append('}').toString();
        }
        if (value instanceof Map<?, ?> struct) {
            StringBuilder b = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : struct.entrySet()) {
                b.append(first ? "" : ", ").append(quote(String.valueOf(e.getKey()))).append(": ")
                        .append(format(e.getValue(), true));
                first = false;
            }
            return b.append('}').toString();
        }
        return value.toString();
    }

    /** Inside a list, struct or map, DuckDB quotes a string that could be misread: empty, NULL, or with a delimiter. */
    private static String nestedString(String s) {
        boolean quote = s.isEmpty() || s.equalsIgnoreCase("null") || Character.isWhitespace(s.charAt(0))
                || Character.isWhitespace(s.charAt(s.length() - 1)) || s.chars().anyMatch(c -> SPECIAL_IN_NESTED.indexOf(c) >= 0);
        return quote ? quote(s) : s;
    }

    private static String quotedIfNested(String s, boolean nested) {
        return nested ? nestedString(s) : s;
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Printable ASCII as it is, every other byte (and quotes and backslash) as {@code \xHH}. */
    static String blob(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xff;
            if (c >= 32 && c <= 126 && c != '\\' && c != '\'' && c != '"') {
                b.append((char) c);
            } else {
                b.append(String.format(Locale.ROOT, "\\x%02X", c));
            }
        }
        return b.toString();
    }

    /** {@code 1 year 2 months 3 days 04:05:06.789}; a zero interval is {@code 00:00:00}. */
    static String interval(PeriodDuration value) {
        Period period = value.getPeriod();
        long months = period.toTotalMonths();
        long micros = value.getDuration().toNanos() / 1_000;
        StringBuilder b = new StringBuilder();
        long years = months / 12;
        part(b, years, "year");
        part(b, months - years * 12, "month");
        part(b, period.getDays(), "day");
        if (micros != 0) {
            if (b.length() > 0) {
                b.append(' ');
            }
            if (micros < 0) {
                b.append('-');
                micros = -micros;
            }
            b.append(String.format(Locale.ROOT, "%02d:%02d:%02d", micros / 3_600_000_000L, micros / 60_000_000L % 60,
                    micros / 1_000_000L % 60));
            fraction(b, micros % 1_000_000L);
        } else if (b.length() == 0) {
            b.append("00:00:00");
        }
        return b.toString();
    }

    private static void part(StringBuilder b, long n, String unit) {
        if (n != 0) {
            b.append(b.length() > 0 ? " " : "").append(n).append(' ').append(unit).append(n == 1 || n == -1 ? "" : "s");
        }
    }

    private static String time(LocalTime t) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(),
                t.getSecond()));
        fraction(b, t.getNano() / 1_000);
        return b.toString();
    }

    /** {@code .123456} without trailing zeros; nothing for whole seconds. */
    private static void fraction(StringBuilder b, long micros) {
        if (micros != 0) {
            String digits = String.format(Locale.ROOT, "%06d", micros);
            b.append('.').append(digits.replaceAll("0+$", ""));
        }
    }

    /** {@code +00}, {@code +05:30}, {@code -08}. */
    private static String offset(int seconds) {
        int abs = Math.abs(seconds);
        String hours = String.format(Locale.ROOT, "%s%02d", seconds < 0 ? "-" : "+", abs / 3600);
        return abs % 3600 == 0 ? hours : hours + String.format(Locale.ROOT, ":%02d", abs % 3600 / 60);
    }

    /**
     * The shortest digits that read back as the same double, plain from 1e-4 up to below 1e16 and in scientific form
     * outside ({@code 1e+16}, {@code 1.5e-05}); {@code nan}, {@code inf}, {@code -inf}.
     */
    static String doubleText(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = exact.precision() - exact.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = exact.unscaledValue().abs().toString();
        StringBuilder b = new StringBuilder(d < 0 ? "-" : "").append(digits.charAt(0));
        if (digits.length() > 1) {
            b.append('.').append(digits, 1, digits.length());
        }
        return b.append('e').append(exponent < 0 ? '-' : '+').append(String.format(Locale.ROOT, "%02d", Math.abs(exponent)))
                .toString();
    }
}
