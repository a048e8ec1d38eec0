package io.mallard.coordinator.tables;

import java.util.List;
import java.util.Optional;

/**
 * The statements that create, change and describe tables, as Mallard reads them. DuckDB's JSON serializer takes only
 * queries, so these are split by {@link SqlTokens} into their names and the parts DuckDB checks itself (column
 * definitions, queries, expressions), each with its position in the statement for errors.
 */
public sealed interface TableStatement {

    /** A piece of the statement's text and where it starts in the statement. */
    record Part(String text, int at) {
    }

    /** {@code CREATE TABLE [IF NOT EXISTS] name (columns)} or {@code … AS query}. */
    record CreateTable(String name, boolean ifNotExists, Part columns, Part asQuery) implements TableStatement {
    }

    /** {@code INSERT INTO name [(columns)] query}; VALUES is a query too. */
    record InsertInto(String name, List<String> columns, Part query) implements TableStatement {
    }

    /** {@code DELETE FROM name [[AS] alias] [USING from-list] [WHERE condition]}. */
    record Delete(String name, String alias, Optional<Part> using, Optional<Part> where) implements TableStatement {
    }

    /** One {@code column = expression} of an UPDATE. */
    record Assignment(String column, Part value) {
    }

    /** {@code UPDATE name [[AS] alias] SET column = expression, … [FROM from-list] [WHERE condition]}. */
    record Update(String name, String alias, List<Assignment> assignments, Optional<Part> from, Optional<Part> where)
            implements TableStatement {
    }

    /** {@code TRUNCATE [TABLE] name}. */
    record Truncate(String name) implements TableStatement {
    }

    /** {@code DROP TABLE [IF EXISTS] name}. */
    record DropTable(String name, boolean ifExists) implements TableStatement {
    }

    /** {@code ALTER TABLE name ADD [COLUMN] column type}. */
    record AddColumn(String table, String column, Part type) implements TableStatement {
    }

    /** {@code ALTER TABLE name DROP [COLUMN] [IF EXISTS] column}. */
    record DropColumn(String table, String column, boolean ifExists) implements TableStatement {
    }

    /** {@code ALTER TABLE name RENAME [COLUMN] old TO new}. */
    record RenameColumn(String table, String from, String to) implements TableStatement {
    }

    /** {@code ALTER TABLE name RENAME TO new}. */
    record RenameTable(String table, String to) implements TableStatement {
    }

    /** {@code ALTER TABLE name SET PARTITIONED BY (columns)}: DuckLake's statement; no columns spreads rows evenly. */
    record SetPartitioned(String table, List<String> key) implements TableStatement {
    }

    /** {@code ALTER TABLE name SET REPLICATED}: every shard holds the whole table. */
    record SetReplicated(String table) implements TableStatement {
    }

    /**
     * {@code ALTER TABLE name SET DIMENSION (columns) REFERENCED BY table (columns) [, table (columns)…]}: each shard
     * holds the rows its rows of the referencing tables reference.
     */
    record SetDimension(String table, List<Reference> references) implements TableStatement {
        record Reference(List<String> columns, String fromTable, List<String> fromColumns) {
        }
    }

    /** {@code SHOW TABLES}. */
    record ShowTables() implements TableStatement {
    }

    /** {@code DESCRIBE name} (a table name; {@code DESCRIBE SELECT …} is a query). */
    record DescribeTable(String name) implements TableStatement {
    }

    /** {@code COPY name FROM 'path' [(options)]}. */
    record CopyFrom(String table, Part path, Part options) implements TableStatement {
    }

    /**
     * {@code CALL mallard_compact()} or {@code CALL mallard_compact('table')}: compacts now, with the coordinator's
     * thresholds, every table or one (as DuckLake's {@code CALL ducklake_merge_adjacent_files(…)} does).
     */
    record Compact(String table) implements TableStatement {
    }

    /** The table a statement changes or describes, or null (SHOW TABLES). */
    default String table() {
        if (this instanceof CreateTable s) {
            return s.name();
        } else if (this instanceof InsertInto s) {
            return s.name();
        } else if (this instanceof Delete s) {
            return s.name();
        } else if (this instanceof Update s) {
            return s.name();
        } else if (this instanceof Truncate s) {
            return s.name();
        } else if (this instanceof DropTable s) {
            return s.name();
        } else if (this instanceof AddColumn s) {
            return s.table();
        } else if (this instanceof DropColumn s) {
            return s.table();
        } else if (this instanceof RenameColumn s) {
            return s.table();
        } else if (this instanceof RenameTable s) {
            return s.table();
        } else if (this instanceof SetPartitioned s) {
            return s.table();
        } else if (this instanceof SetReplicated s) {
            return s.table();
        } else if (this instanceof SetDimension s) {
            return s.table();
        } else if (this instanceof DescribeTable s) {
            return s.name();
        } else if (this instanceof CopyFrom s) {
            return s.table();
        } else if (this instanceof Compact s) {
            return s.table();
        }
        return null;
    }

    /** The statement's leading keywords, as refusals name it ({@code CREATE TABLE}, {@code INSERT}…). */
    default String verb() {
        if (this instanceof CreateTable) {
            return "CREATE TABLE";
        } else if (this instanceof InsertInto) {
            return "INSERT";
        } else if (this instanceof Delete) {
            return "DELETE";
        } else if (this instanceof Update) {
            return "UPDATE";
        } else if (this instanceof Truncate) {
            return "TRUNCATE";
        } else if (this instanceof DropTable) {
            return "DROP TABLE";
        } else if (this instanceof CopyFrom) {
            return "COPY";
        } else if (this instanceof Compact) {
            return "CALL mallard_compact";
        } else if (this instanceof ShowTables) {
            return "SHOW TABLES";
        } else if (this instanceof DescribeTable) {
            return "DESCRIBE";
        }
        return "ALTER TABLE";
    }

    /** Whether the statement only reads (SHOW TABLES, DESCRIBE). */
    default boolean readsOnly() {
        return this instanceof ShowTables || this instanceof DescribeTable;
    }
}
