package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.ast.TableReferences;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.ClientFunctions;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.List;
import java.util.Optional;

/**
 * Turns SQL text into a {@link Statement}: parsed and bound by DuckDB against the coordinator's schemas, so that
 * syntax and binder errors are DuckDB's own, with positions in the text the user sent.
 */
final class StatementBinder {
    private final Catalog catalog;
    private final SqlEngine engine;

    StatementBinder(Catalog catalog, SqlEngine engine) {
        this.catalog = catalog;
        this.engine = engine;
    }

    /**
     * The statement, or DuckDB's error (syntax, binder, unknown table) for it, or the refusal of a function client SQL
     * may not call or of a relation DuckDB knows but the catalog does not (its system views: {@code duckdb_settings},
     * {@code pg_catalog.*}, {@code information_schema.*}, …). Both are refused before a LOCAL plan could run them on the
     * coordinator's reference database.
     */
    Statement bind(String sql) {
        ObjectNode tree = engine.parseSelect(sql);
        ClientFunctions.check(tree);
        List<OutputColumn> output = describe(sql, tree);
        if (resolveTablesInTheCatalog(tree)) {
            // every strategy, and the LOCAL text itself, then reads the tables under their plain names
            return bind(engine.render(tree));
        }
        return new Statement(sql, tree, output, PartitionedReads.any(tree, catalog));
    }

    /**
     * Every base table must be a CTE in scope or a catalog table, named as {@code t}, {@code main.t} or
     * {@code mallard.main.t} (the cluster's one database is called {@value DistributedPlanner#DATABASE} everywhere: in JDBC metadata, in
     * DuckDB's {@code current_database()} on the coordinator). Qualified names are made plain in the tree (returns
     * true when one was), since workers and combines find each table under its plain name. A qualified name that a CTE in scope
     * shadows when plain is refused rather than changed in meaning.
     */
    private boolean resolveTablesInTheCatalog(ObjectNode tree) {
        boolean[] changed = {false};
        TableReferences.forEachInScope(tree, (ref, ctes) -> {
            boolean cte = ref.isUnqualified() && ctes.contains(ref.tableName().toLowerCase(java.util.Locale.ROOT));
            if (!ref.isBaseTable() || cte) {
                return;
            }
            String database = ref.node().path("catalog_name").asText("");
            boolean inMain = (database.isEmpty() || database.equalsIgnoreCase(DistributedPlanner.DATABASE))
                    && (ref.schema().isEmpty() || ref.schema().equalsIgnoreCase("main"));
            int position = ref.node().path("query_location").canConvertToInt() ? ref.node().path("query_location").asInt() : -1;
            if (!inMain || catalog.table(ref.tableName()).isEmpty()) {
                String name = ref.schema().isEmpty() ? ref.tableName() : ref.schema() + "." + ref.tableName();
                throw new MallardException(ErrorCode.TABLE_NOT_FOUND, "Table with name " + name + " does not exist: "
                        + "queries read the cluster's tables (and the mallard.* system tables)", position, null);
            }
            if (!ref.isUnqualified()) {
                if (ctes.contains(ref.tableName().toLowerCase(java.util.Locale.ROOT))) {
                    throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "the table " + ref.tableName()
                            + " is named with its schema where a CTE of the same name is in scope; rename the CTE",
                            position, null);
                }
                ref.node().put("catalog_name", "");
                ref.node().put("schema_name", "");
                if (ref.node().path("qualified_name").isObject()) {
                    ((ObjectNode) ref.node().get("qualified_name")).putArray("path").add(ref.tableName());
                }
                changed[0] = true;
            }
        });
        return changed[0];
    }

    /**
     * The statement when DuckDB binds it on its own, or empty: a sub-query that refers to its enclosing query's
     * columns (correlated) does not.
     */
    Optional<Statement> bindAlone(String sql) {
        ObjectNode tree = engine.parseSelect(sql);
        return engine.describeIfBinds(sql).map(output -> new Statement(sql, tree, output, PartitionedReads.any(tree, catalog)));
    }

    /**
     * {@code rowid} numbers a table's rows in one database. A sharded table has no such global numbering (each shard
     * counts its own rows from 0, and a dimension's copy holds other rows than the full one), so a query over
     * partitioned tables that uses it has no distributed answer equal to one DuckDB's.
     */
    void rejectRowid(Statement statement) {
        ObjectNode select = statement.tree();
        Ast.forEachExpression(select, e -> ColumnRef.of(e).ifPresent(column -> {
            String last = column.column();
            if (last.equalsIgnoreCase("rowid") && !isRealColumn(select, last)) {
                int position = e.path("query_location").canConvertToInt() ? e.path("query_location").asInt() : -1;
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "rowid is not available in queries over "
                        + "partitioned tables: their rows have no global row number across shards", position, null);
            }
        }));
    }

    /** Whether some table the statement names has a column of this name. */
    private boolean isRealColumn(ObjectNode select, String column) {
        boolean[] found = {false};
        Ast.forEachObject(select, o -> TableRef.of(o).filter(TableRef::isBaseTable)
                .flatMap(ref -> catalog.table(ref.tableName())).ifPresent(t -> found[0] |= t.hasColumn(column)));
        return found[0];
    }

    /**
     * Binds the query with DuckDB. Its messages quote the statement it bound ("LINE 1: DESCRIBE …"), which is not
     * what the user sent: that part is dropped, and an unknown table gets its position from the parse tree.
     */
    private List<OutputColumn> describe(String sql, ObjectNode select) {
        try {
            return engine.describe(sql);
        } catch (MallardException e) {
            String message = e.getMessage();
            int line = message.indexOf("\n\nLINE ");
            if (line < 0) {
                line = message.indexOf("\nLINE ");
            }
            String clean = (line < 0 ? message : message.substring(0, line)).strip();
            int position = e.position().orElse(e.code() == ErrorCode.TABLE_NOT_FOUND ? unknownTablePosition(select) : -1);
            throw new MallardException(e.code(), clean, position, e);
        }
    }

    private int unknownTablePosition(ObjectNode select) {
        int[] position = {-1};
        Ast.forEachObject(select, o -> TableRef.of(o).filter(TableRef::isBaseTable).ifPresent(ref -> {
            if (position[0] < 0 && catalog.table(ref.tableName()).isEmpty() && o.path("query_location").canConvertToInt()) {
                position[0] = o.path("query_location").asInt();
            }
        }));
        return position[0];
    }
}
