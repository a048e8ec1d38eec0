package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.SubqueryExpression;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.TableInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Column pruning for GATHER: the columns of a gathered table that the coordinator's query still names. Columns are
 * matched by name, whatever table the query names them on (a name in the query keeps the column of every table that
 * has one); a {@code *}, {@code COLUMNS(…)}, column aliases on a table or a NATURAL join keep them all. What the select
 * list of an {@code EXISTS} sub-query names is not needed: it only asks whether rows exist.
 */
final class NeededColumns {
    private final Set<String> names = new HashSet<>();
    private boolean all;

    private NeededColumns() {
    }

    /** The columns the statement (as the coordinator will run it) names. */
    static NeededColumns of(ObjectNode statement) {
        NeededColumns needed = new NeededColumns();
        Ast.forEachObject(withoutExistsSelectLists(statement), needed::visit);
        return needed;
    }

    private void visit(ObjectNode o) {
        ColumnRef.of(o).ifPresent(column -> names.add(column.column().toLowerCase(Locale.ROOT)));
        if ("STAR".equals(Ast.exprClass(o)) || "COLUMNS".equals(Ast.exprClass(o))) {
            all = true;
        }
        // table references (read as such wherever the fields occur)
        TableRef ref = new TableRef(o);
        ref.usingColumns().forEach(c -> names.add(c.toLowerCase(Locale.ROOT)));
        if (!ref.columnAliases().isEmpty()) {
            all = true; // orders AS o(k, ck): the query names the columns by position, not by name
        }
        if ("NATURAL".equals(ref.refType())) {
            all = true; // a NATURAL join joins on every column the two sides share: keep them all
        }
    }

    /** The table's columns to ship, in table order: at least one, since the query needs the rows even if no value. */
    List<String> of(TableInfo table) {
        List<String> columns = new ArrayList<>();
        for (String column : table.columns()) {
            if (all || names.contains(column.toLowerCase(Locale.ROOT))) {
                columns.add(column);
            }
        }
        if (columns.isEmpty()) {
            columns.add(table.columns().get(0)); // count(*)
        }
        return columns;
    }

    /** EXISTS only asks whether rows exist: what its sub-query selects ({@code SELECT *}) needs no columns. */
    private static JsonNode withoutExistsSelectLists(ObjectNode statement) {
        return Ast.rewrite(statement, e -> {
            if (SubqueryExpression.of(e).filter(SubqueryExpression::isExists).isEmpty()) {
                return null;
            }
            ObjectNode copy = e.deepCopy();
            JsonNode inner = copy.path("subquery").path("node");
            if (inner.isObject() && inner.has("select_list")) {
                new SelectNode((ObjectNode) inner).setSelectList(List.of());
            }
            return copy;
        });
    }
}
