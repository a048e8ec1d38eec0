package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a client session sends with each query ({@link io.mallard.common.SetStatement} reads the SQL that
 * changes them).
 *
 * @param distributed        false: answer on the coordinator alone, from its full copies, or fail saying so
 * @param summarize          false: return the workers' raw partial results with a {@code shard} column, not the
 *                           combined answer
 * @param queryTimeoutMillis how long a query of this session may run before it is stopped with TIMEOUT; 0 for no limit,
 *                           {@link #CLUSTER_DEFAULT} for the coordinator's default
 * @param partialResults     true ({@code 'allow'}): a query over edge tables whose partitions are partly offline answers
 *                           over the connected ones, with the missing ones as a warning; false: it fails
 */
public record QuerySettings(boolean distributed, boolean summarize, long queryTimeoutMillis, boolean partialResults) {
    public static final String DISTRIBUTED = "mallard.distributed";
    public static final String SUMMARIZE = "mallard.summarize";
    public static final String QUERY_TIMEOUT = "mallard.query_timeout";
    public static final String PARTIAL_RESULTS = "mallard.partial_results";
    /** A query timeout not set by the session: the coordinator's default applies. */
    public static final long CLUSTER_DEFAULT = -1;
    public static final QuerySettings DEFAULTS = new QuerySettings(true, true, CLUSTER_DEFAULT, false);

    public QuerySettings(boolean distributed, boolean summarize, long queryTimeoutMillis) {
        this(distributed, summarize, queryTimeoutMillis, false);
    }
    /** A duration: a number with a unit ({@code ms}, {@code s}, {@code m}, {@code h}); a bare number is milliseconds. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|min|h)?", Pattern.CASE_INSENSITIVE);

    /** Reads settings sent with a query; unknown names and values are refused. */
    public static QuerySettings of(Map<String, String> values) {
        QuerySettings settings = DEFAULTS;
        if (values == null) {
            return settings;
        }
        for (Map.Entry<String, String> entry : values.entrySet()) {
            settings = settings.with(entry.getKey(), entry.getValue());
        }
        return settings;
    }

    /** This with one setting changed. */
    public QuerySettings with(String name, String value) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case DISTRIBUTED -> new QuerySettings(parseFlag(name, value), summarize, queryTimeoutMillis, partialResults);
            case SUMMARIZE -> new QuerySettings(distributed, parseFlag(name, value), queryTimeoutMillis, partialResults);
            case QUERY_TIMEOUT -> new QuerySettings(distributed, summarize, parseDuration(name, value), partialResults);
            case PARTIAL_RESULTS -> new QuerySettings(distributed, summarize, queryTimeoutMillis,
                    parsePartial(name, value));
            default -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown setting " + name
                    + " (known: " + DISTRIBUTED + ", " + SUMMARIZE + ", " + QUERY_TIMEOUT + ", " + PARTIAL_RESULTS + ")");
        };
    }

    /** The query timeout that applies: the session's, else {@code clusterDefaultMillis}; 0 for none. */
    public long effectiveTimeoutMillis(long clusterDefaultMillis) {
        return queryTimeoutMillis == CLUSTER_DEFAULT ? clusterDefaultMillis : queryTimeoutMillis;
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a bare number of milliseconds; 0 is no limit. */
    static long parseDuration(String name, String value) {
        Matcher m = DURATION.matcher(value.strip());
        if (!m.matches()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, name + " takes a duration such as '30s', '500ms', "
                    + "'2m' or '1h' (0: no limit), not " + value);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "s" -> amount * 1_000;
            case "m", "min" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount;
        };
    }

    /** {@code 'allow'} (a partial answer, with a warning) or {@code 'deny'} (the default: the query fails). */
    private static boolean parsePartial(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "allow", "true", "on" -> true;
            case "deny", "false", "off" -> false;
            default -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, name + " takes 'allow' or 'deny', not " + value);
        };
    }

    private static boolean parseFlag(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1", "yes" -> true;
            case "false", "off", "0", "no" -> false;
            default -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, name + " takes true or false, not " + value);
        };
    }
}
