package io.mallard.coordinator.tables;

import io.mallard.coordinator.tables.SqlTokens.Token;
import io.mallard.coordinator.tables.TableStatement.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises the table statements ({@link TableStatement}) by their first words and splits them into names and parts.
 * Anything else (queries, SET, EXPLAIN) is not one: {@link #parse} answers empty, and the statement goes its usual
 * way. A statement that starts like one but is malformed is a SYNTAX_ERROR pointing at the offending token.
 */
final class TableStatementParser {
    private TableStatementParser() {
    }

    static Optional<TableStatement> parse(String sql) {
        SqlTokens t = SqlTokens.of(sql);
        Token first = t.peek();
        if (first == null || first.kind() != SqlTokens.Kind.WORD) {
            return Optional.empty();
        }
        TableStatement statement;
        if (t.accept("CREATE", "TABLE")) {
            statement = create(t);
        } else if (t.accept("INSERT", "INTO")) {
            statement = insert(t);
        } else if (t.accept("DELETE", "FROM")) {
            statement = delete(t);
        } else if (first.is("UPDATE") && t.peek(1) != null && t.peek(1).isName()) {
            t.accept("UPDATE");
            statement = update(t);
        } else if (t.accept("TRUNCATE")) {
            t.accept("TABLE");
            statement = new TableStatement.Truncate(t.name("a table name"));
        } else if (t.accept("DROP", "TABLE")) {
            boolean ifExists = t.accept("IF", "EXISTS");
            statement = new TableStatement.DropTable(t.name("a table name"), ifExists);
        } else if (t.accept("ALTER", "TABLE")) {
            statement = alter(t);
        } else if (t.accept("SHOW", "TABLES")) {
            statement = new TableStatement.ShowTables();
        } else if (first.is("DESCRIBE") && describesTable(t)) {
            t.accept("DESCRIBE");
            statement = new TableStatement.DescribeTable(t.name("a table name"));
        } else if (first.is("COPY") && t.peek(2) != null && t.peek(2).is("FROM")) {
            t.accept("COPY");
            statement = copy(t);
        } else if (t.accept("CALL", "MALLARD_COMPACT")) {
            statement = compact(t);
        } else {
            return Optional.empty();
        }
        if (!t.atEnd()) {
            throw t.error("unexpected text");
        }
        return Optional.of(statement);
    }

    /** {@code CALL mallard_compact( ['table'] )}, after its first two words. */
    private static TableStatement compact(SqlTokens t) {
        t.expectSymbol("(");
        String table = null;
        Token name = t.peek();
        if (name != null && name.kind() == SqlTokens.Kind.STRING) {
            t.advance();
            table = name.text().substring(1, name.text().length() - 1).replace("''", "'");
        }
        t.expectSymbol(")");
        return new TableStatement.Compact(table);
    }

    /** {@code DESCRIBE name} alone: a table; {@code DESCRIBE SELECT …} and the like are queries. */
    private static boolean describesTable(SqlTokens t) {
        Token name = t.peek(1);
        if (name == null || !name.isName() || name.is("SELECT") || name.is("FROM") || name.is("WITH") || name.is("TABLE")) {
            return false;
        }
        int k = 2;
        while (t.peek(k) != null && t.peek(k).isSymbol(".") && t.peek(k + 1) != null && t.peek(k + 1).isName()) {
            k += 2;
        }
        return t.peek(k) == null;
    }

    private static TableStatement create(SqlTokens t) {
        boolean ifNotExists = t.accept("IF", "NOT", "EXISTS");
        String name = t.name("a table name");
        if (t.accept("AS")) {
            int at = t.position();
            return new TableStatement.CreateTable(name, ifNotExists, null, new Part(t.rest(), at));
        }
        Token open = t.peek();
        if (open == null || !open.isSymbol("(")) {
            throw t.error("expected the column definitions in parentheses, or AS and a query");
        }
        int at = t.position();
        return new TableStatement.CreateTable(name, ifNotExists, new Part(t.rest(), at), null);
    }

    private static TableStatement insert(SqlTokens t) {
        String name = t.name("a table name");
        List<String> columns = List.of();
        Token next = t.peek();
        // a parenthesis right after the name is a column list unless it opens the query itself, as in (SELECT …)
        if (next != null && next.isSymbol("(") && t.peek(1) != null && !t.peek(1).is("SELECT")
                && !t.peek(1).is("VALUES") && !t.peek(1).is("WITH") && !t.peek(1).is("FROM")) {
            columns = t.nameList("a column name");
        }
        if (t.atEnd()) {
            throw t.error("expected VALUES or a query");
        }
        if (t.peek().is("BY")) {
            throw unsupported(t, "INSERT … BY NAME and BY POSITION are not supported: name the columns, as in "
                    + "INSERT INTO t (a, b) SELECT …");
        }
        int at = t.position();
        String rest = t.rest();
        SqlTokens query = SqlTokens.of(rest);
        int depth = 0;
        while (!query.atEnd()) {
            Token token = query.advance();
            depth += token.isSymbol("(") ? 1 : token.isSymbol(")") ? -1 : 0;
            if (depth == 0 && token.is("RETURNING")) {
                throw new io.mallard.common.MallardException(io.mallard.common.ErrorCode.UNSUPPORTED_STATEMENT,
                        RETURNING, at + token.start(), null);
            }
        }
        return new TableStatement.InsertInto(name, columns, new Part(rest, at));
    }

    private static String alias(SqlTokens t) {
        if (t.accept("AS")) {
            return t.name("an alias");
        }
        Token next = t.peek();
        if (next != null && next.isName() && !next.is("WHERE") && !next.is("SET") && !next.is("USING")
                && !next.is("RETURNING")) {
            return t.name("an alias");
        }
        return null;
    }

    private static Optional<Part> where(SqlTokens t) {
        if (!t.accept("WHERE")) {
            return Optional.empty();
        }
        int at = t.position();
        String condition = t.until("RETURNING");
        if (condition.isBlank()) {
            throw t.error("expected a condition after WHERE");
        }
        refuseUnsupported(t); // a RETURNING after the condition
        return Optional.of(new Part(condition, at));
    }

    private static TableStatement delete(SqlTokens t) {
        String name = t.name("a table name");
        String alias = alias(t);
        Optional<Part> using = t.accept("USING") ? Optional.of(fromList(t, "USING")) : Optional.empty();
        refuseUnsupported(t);
        return new TableStatement.Delete(name, alias, using, where(t));
    }

    /** The tables after DELETE's USING or UPDATE's FROM, up to WHERE (DuckDB checks them as a FROM clause). */
    private static Part fromList(SqlTokens t, String keyword) {
        int at = t.position();
        String tables = t.until("WHERE", "RETURNING");
        if (tables.isBlank()) {
            throw t.error("expected the tables after " + keyword);
        }
        return new Part(tables, at);
    }

    private static TableStatement update(SqlTokens t) {
        String name = t.name("a table name");
        String alias = alias(t);
        t.expect("SET");
        int at = t.position();
        String text = t.until("WHERE", "FROM", "RETURNING");
        List<TableStatement.Assignment> assignments = new ArrayList<>();
        for (Part part : splitTopLevel(text, at)) {
            SqlTokens assignment = SqlTokens.of(part.text());
            String column;
            try {
                column = assignment.name("a column name");
                assignment.expectSymbol("=");
            } catch (io.mallard.common.MallardException e) {
                throw new io.mallard.common.MallardException(e.code(), e.getMessage(),
                        part.at() + e.position().orElse(0), null);
            }
            if (assignment.atEnd()) {
                throw new io.mallard.common.MallardException(io.mallard.common.ErrorCode.SYNTAX_ERROR,
                        "expected a value for " + column, part.at() + part.text().length(), null);
            }
            int valueAt = part.at() + assignment.position();
            assignments.add(new TableStatement.Assignment(column, new Part(assignment.rest(), valueAt)));
        }
        Optional<Part> from = t.accept("FROM") ? Optional.of(fromList(t, "FROM")) : Optional.empty();
        refuseUnsupported(t);
        return new TableStatement.Update(name, alias, List.copyOf(assignments), from, where(t));
    }

    /** Splits {@code text} at its commas outside parentheses; each part with its position in the statement. */
    private static List<Part> splitTopLevel(String text, int at) {
        List<Part> parts = new ArrayList<>();
        SqlTokens tokens = SqlTokens.of(text);
        int depth = 0;
        int start = 0;
        while (!tokens.atEnd()) {
            Token token = tokens.advance();
            if (token.isSymbol("(")) {
                depth++;
            } else if (token.isSymbol(")")) {
                depth--;
            } else if (token.isSymbol(",") && depth == 0) {
                parts.add(part(text, start, token.start(), at));
                start = token.end();
            }
        }
        parts.add(part(text, start, text.length(), at));
        return parts;
    }

    private static Part part(String text, int start, int end, int at) {
        int from = start;
        while (from < end && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        return new Part(text.substring(from, end).strip(), at + from);
    }

    private static final String RETURNING = "RETURNING is not supported: a change answers with the number of rows it "
            + "changed; read the rows with a query afterwards";

    private static void refuseUnsupported(SqlTokens t) {
        Token next = t.peek();
        if (next != null && next.is("RETURNING")) {
            throw unsupported(t, RETURNING);
        }
    }

    private static io.mallard.common.MallardException unsupported(SqlTokens t, String message) {
        return new io.mallard.common.MallardException(io.mallard.common.ErrorCode.UNSUPPORTED_STATEMENT, message,
                t.position(), null);
    }

    private static TableStatement alter(SqlTokens t) {
        String table = t.name("a table name");
        if (t.accept("ADD")) {
            t.accept("COLUMN");
            String column = t.name("a column name");
            int at = t.position();
            String type = t.rest();
            if (type.isBlank()) {
                throw t.error("expected the column's type");
            }
            return new TableStatement.AddColumn(table, column, new Part(type, at));
        }
        if (t.peek() != null && t.peek().is("ALTER")) {
            throw unsupported(t, "ALTER TABLE … ALTER COLUMN (its type, DEFAULT or NOT NULL) is not supported: add a "
                    + "column with the new definition, fill it with UPDATE t SET new = CAST(old AS …), drop the old "
                    + "column and rename the new one");
        }
        if (t.accept("DROP")) {
            t.accept("COLUMN");
            boolean ifExists = t.accept("IF", "EXISTS");
            String column = t.name("a column name");
            if (t.peek() != null && (t.peek().is("CASCADE") || t.peek().is("RESTRICT"))) {
                t.advance(); // nothing depends on a column (no indexes, views or constraints to cascade to)
            }
            return new TableStatement.DropColumn(table, column, ifExists);
        }
        if (t.accept("RENAME", "TO")) {
            return new TableStatement.RenameTable(table, t.name("the new table name"));
        }
        if (t.accept("RENAME")) {
            t.accept("COLUMN");
            String from = t.name("a column name");
            t.expect("TO");
            return new TableStatement.RenameColumn(table, from, t.name("the new column name"));
        }
        if (t.accept("SET", "PARTITIONED", "BY")) {
            Token open = t.peek();
            if (open != null && open.isSymbol("(") && t.peek(1) != null && t.peek(1).isSymbol(")")) {
                t.acceptSymbol("(");
                t.acceptSymbol(")");
                return new TableStatement.SetPartitioned(table, List.of());
            }
            return new TableStatement.SetPartitioned(table, t.nameList("a column name"));
        }
        if (t.accept("RESET", "PARTITIONED", "BY")) {
            return new TableStatement.SetPartitioned(table, List.of());
        }
        if (t.accept("SET", "REPLICATED")) {
            return new TableStatement.SetReplicated(table);
        }
        if (t.accept("SET", "DIMENSION")) {
            List<TableStatement.SetDimension.Reference> references = new ArrayList<>();
            List<String> columns = t.nameList("a column name");
            t.expect("REFERENCED");
            t.expect("BY");
            do {
                String from = t.name("the referencing table");
                List<String> fromColumns = t.nameList("a column name");
                if (fromColumns.size() != columns.size()) {
                    throw t.error("the referencing columns must be as many as the dimension's (" + columns.size() + ")");
                }
                references.add(new TableStatement.SetDimension.Reference(columns, from, fromColumns));
            } while (t.acceptSymbol(","));
            return new TableStatement.SetDimension(table, references);
        }
        throw t.error("expected ADD COLUMN, DROP COLUMN, RENAME, SET PARTITIONED BY, SET REPLICATED or SET DIMENSION");
    }

    private static TableStatement copy(SqlTokens t) {
        String table = t.name("a table name");
        t.expect("FROM");
        Token path = t.peek();
        if (path == null || path.kind() != SqlTokens.Kind.STRING) {
            throw t.error("expected the file's path as a string");
        }
        t.advance();
        Part file = new Part(path.text(), path.start());
        int at = t.position();
        String options = t.rest();
        return new TableStatement.CopyFrom(table, file, new Part(options, at));
    }
}
