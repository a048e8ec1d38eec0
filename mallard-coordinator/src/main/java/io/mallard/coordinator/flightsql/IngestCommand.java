package io.mallard.coordinator.flightsql;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.tables.IngestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;

/**
 * Reads Flight SQL's bulk ingest command. Tables live in catalog {@code mallard}, schema {@code main}; there are no
 * temporary tables and no transactions. Mallard's own options go in the command's options map:
 * {@code partition_by} = the shard key's columns, comma-separated, for a table the ingest makes;
 * {@code expected_rows} = how many rows the stream carries, when the client knows (a hint for writing the shards).
 */
final class IngestCommand {
    static final String PARTITION_BY = "partition_by";
    static final String EXPECTED_ROWS = "expected_rows";

    private IngestCommand() {
    }

    static IngestOptions options(CommandStatementIngest command) {
        if (command.getTemporary()) {
            throw refused("temporary tables are not supported");
        }
        if (command.hasTransactionId()) {
            throw refused("transactions are not supported: each ingest is one commit of its own");
        }
        if (command.hasCatalog() && !command.getCatalog().isEmpty() && !command.getCatalog().equalsIgnoreCase("mallard")) {
            throw refused("the catalog is mallard, not " + command.getCatalog());
        }
        if (command.hasSchema() && !command.getSchema().isEmpty() && !command.getSchema().equalsIgnoreCase("main")) {
            throw refused("tables are in schema main, not " + command.getSchema());
        }
        TableDefinitionOptions definition = command.getTableDefinitionOptions();
        boolean create = switch (definition.getIfNotExist()) {
            case TABLE_NOT_EXIST_OPTION_CREATE -> true;
            case TABLE_NOT_EXIST_OPTION_FAIL -> false;
            default -> throw refused("say what to do when the table does not exist (if_not_exist: CREATE or FAIL)");
        };
        IngestOptions.IfExists ifExists = switch (definition.getIfExists()) {
            case TABLE_EXISTS_OPTION_FAIL -> IngestOptions.IfExists.FAIL;
            case TABLE_EXISTS_OPTION_APPEND -> IngestOptions.IfExists.APPEND;
            case TABLE_EXISTS_OPTION_REPLACE -> IngestOptions.IfExists.REPLACE;
            default -> throw refused("say what to do when the table exists (if_exists: FAIL, APPEND or REPLACE)");
        };
        List<String> partitionBy = List.of();
        long expectedRows = -1;
        for (Map.Entry<String, String> option : command.getOptionsMap().entrySet()) {
            if (option.getKey().equalsIgnoreCase(PARTITION_BY)) {
                partitionBy = columns(option.getValue());
            } else if (option.getKey().equalsIgnoreCase(EXPECTED_ROWS)) {
                expectedRows = count(option.getValue());
            } else {
                throw refused("unknown ingest option " + option.getKey() + " (Mallard's: " + PARTITION_BY + ", "
                        + EXPECTED_ROWS + ")");
            }
        }
        return new IngestOptions(command.getTable(), create, ifExists, partitionBy, expectedRows);
    }

    private static long count(String value) {
        try {
            long rows = Long.parseLong(value.strip());
            if (rows >= 0) {
                return rows;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw refused(EXPECTED_ROWS + " is a count of rows (0 or more), not " + value);
    }

    /** {@code a, b} or {@code (a, b)}; names may be double-quoted. */
    static List<String> columns(String value) {
        String list = value.strip();
        if (list.startsWith("(") && list.endsWith(")")) {
            list = list.substring(1, list.length() - 1);
        }
        List<String> columns = new ArrayList<>();
        if (list.isBlank()) {
            return columns;
        }
        for (String part : list.split(",")) {
            String name = part.strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            }
            if (name.isEmpty()) {
                throw refused(PARTITION_BY + " lists an empty column name: " + value);
            }
            columns.add(name);
        }
        return columns;
    }

    private static MallardException refused(String message) {
        return new MallardException(ErrorCode.INVALID_ARGUMENT, "bulk ingest: " + message);
    }
}
