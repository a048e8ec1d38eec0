package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;

/**
 * Why a strategy cannot distribute a query, and where in its text: a value the planner weighs, never an exception.
 * The planner then tries the next strategy; GATHER, the last, names the reason in the plan ("because: …").
 *
 * <p>Only the planner's entry points turn a refusal into an error: {@code planWithoutFallback} (NOT_DISTRIBUTED_YET,
 * "not distributed yet: …"), and any plan of a statement naming a table outside the catalog (TABLE_NOT_FOUND), which
 * no strategy can place.
 *
 * @param reason   the construct that cannot be distributed yet, e.g. "left outer joins"
 * @param position where it starts in the SQL text, or -1
 * @param code     NOT_DISTRIBUTED_YET, or TABLE_NOT_FOUND for a table outside the catalog
 */
public record Refusal(String reason, int position, ErrorCode code) {
    private static final String PREFIX = "not distributed yet: ";

    /** Refuses {@code construct}, located at the tree node {@code at} (null: no position). */
    public static Refusal because(String construct, JsonNode at) {
        int position = -1;
        if (at != null && at.path("query_location").canConvertToInt()) {
            position = at.path("query_location").asInt();
        }
        return new Refusal(construct, position, ErrorCode.NOT_DISTRIBUTED_YET);
    }

    /** A table DuckDB knows but the catalog does not: no strategy can tell where its rows are. */
    static Refusal unknownTable(String table) {
        return new Refusal("Table with name " + table + " does not exist", -1, ErrorCode.TABLE_NOT_FOUND);
    }

    /** Whether no other strategy can do better: the statement names a table outside the catalog. */
    boolean isFinal() {
        return code != ErrorCode.NOT_DISTRIBUTED_YET;
    }

    /** The refusal as the error a caller that wanted a pushed-down plan gets. */
    public MallardException toError() {
        String message = isFinal() ? reason : PREFIX + reason;
        return new MallardException(code, message, position, null);
    }
}
