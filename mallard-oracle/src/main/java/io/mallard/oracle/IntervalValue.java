package io.mallard.oracle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.PeriodDuration;

/**
 * An INTERVAL as DuckDB stores it — months, days and microseconds, compared field by field — so that DuckDB JDBC's
 * text form ({@code "2 years 2 months -3 days 04:05:06.789"}) and the client's Arrow {@link PeriodDuration} compare.
 */
record IntervalValue(long months, long days, long micros) implements Comparable<IntervalValue> {
    private static final Pattern PART = Pattern.compile("(-?\\d+) (year|month|day)s?");
    private static final Pattern TIME = Pattern.compile("(-?)(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");

    /** Parses DuckDB's interval text: optional years, months and days, then an optional {@code [-]HH:MM:SS[.ffffff]}. */
    static IntervalValue parse(String text) {
        long months = 0;
        long days = 0;
        long micros = 0;
        Matcher part = PART.matcher(text);
        int end = 0;
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            switch (part.group(2)) {
                case "year" -> months += 12 * n;
                case "month" -> months += n;
                default -> days += n;
            }
            end = part.end();
        }
        Matcher time = TIME.matcher(text);
        if (time.find(end)) {
            String fraction = time.group(5) == null ? "" : time.group(5);
            micros = ((Long.parseLong(time.group(2)) * 60 + Long.parseLong(time.group(3))) * 60 + Long.parseLong(time.group(4)))
                    * 1_000_000L + (fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000").substring(0, 6)));
            if (!time.group(1).isEmpty()) {
                micros = -micros;
            }
        }
        return new IntervalValue(months, days, micros);
    }

    /** The same interval from Arrow's month-day-nano form. */
    static IntervalValue of(PeriodDuration value) {
        return new IntervalValue(value.getPeriod().toTotalMonths(), value.getPeriod().getDays(),
                value.getDuration().toNanos() / 1_000L);
    }

    @Override
    public int compareTo(IntervalValue o) {
        int c = Long.compare(months, o.months);
        if (c == 0) {
            c = Long.compare(days, o.days);
        }
        return c != 0 ? c : Long.compare(micros, o.micros);
    }
}
