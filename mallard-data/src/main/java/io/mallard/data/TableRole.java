package io.mallard.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a table's rows are distributed over the shards of its dataset.
 *
 * <p>Serialized in JSON as the lowercase name ({@code "partitioned"}, {@code "dimension"},
 * {@code "replicated"}) because the manifest is read by humans and by other tools.
 */
public enum TableRole {
    /** Rows are split disjointly across shards by a hash of the shard key (or of the row position). */
    PARTITIONED,
    /** Each shard holds exactly the rows that its partitioned rows reference ("targeted broadcast"). */
    DIMENSION,
    /** Every shard holds the full table. */
    REPLICATED;

    /** @return the JSON form: the lowercase name */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the JSON form (case-insensitive).
     *
     * @param value e.g. {@code "partitioned"}
     * @return the role
     * @throws IllegalArgumentException for an unknown role
     */
    @JsonCreator
    public static TableRole fromJson(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
