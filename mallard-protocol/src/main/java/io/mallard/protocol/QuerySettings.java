package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;
import java.util.Map;

/**
 * The settings a client session sends with each query ({@link io.mallard.common.SetStatement} reads the SQL that
 * changes them).
 *
 * @param distributed false: answer on the coordinator alone, from its full copies, or fail saying so
 * @param summarize   false: return the workers' raw partial results with a {@code shard} column, not the combined answer
 */
public record QuerySettings(boolean distributed, boolean summarize) {
    public static final String DISTRIBUTED = "mallard.distributed";
    public static final String SUMMARIZE = "mallard.summarize";
    public static final QuerySettings DEFAULTS = new QuerySettings(true, true);

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
        boolean flag = parseFlag(name, value);
        return switch (name.toLowerCase(Locale.ROOT)) {
            case DISTRIBUTED -> new QuerySettings(flag, summarize);
            case SUMMARIZE -> new QuerySettings(distributed, flag);
            default -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown setting " + name
                    + " (known: " + DISTRIBUTED + ", " + SUMMARIZE + ")");
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
