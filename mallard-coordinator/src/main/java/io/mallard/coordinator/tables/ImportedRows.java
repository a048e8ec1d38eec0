package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.coordinator.imports.FileQuery;
import io.mallard.coordinator.imports.ImportSession;
import io.mallard.coordinator.imports.ImportSources;
import io.mallard.data.Sql;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.TableDef;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Rows read from files: the source query of an INSERT or CREATE TABLE AS that reads files, and COPY FROM. Files are
 * named as the {@link ImportSources} allow (the import directory, the S3 import source), made local by an
 * {@link ImportSession} and read by the table writer's DuckDB, which may read only those directories; the rows are
 * staged there as a temporary table, and what was downloaded is deleted as soon as they are.
 */
final class ImportedRows {
    private final TableWriter writer;
    private final ImportSources imports;

    ImportedRows(TableWriter writer, ImportSources imports) {
        this.writer = writer;
        this.imports = imports;
    }

    /** A staged table of the writer database and its columns. */
    record Staged(String table, List<ColumnDef> columns) {
    }

    /**
     * Stages the rows of {@code query} when it reads files, its columns named {@code names} (or, when null, as the query
     * names them); empty when it reads no files (it is then an ordinary query).
     */
    Optional<Staged> stage(TableStatement.Part query, List<String> names) {
        Optional<FileQuery> files;
        try {
            files = imports.fileQuery(query.text());
        } catch (MallardException e) {
            throw Definitions.at(e, query.at());
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        try (ImportSession session = imports.session()) {
            String sql;
            try {
                sql = files.get().rewrite(session);
            } catch (MallardException e) {
                throw Definitions.at(e, query.at());
            }
            List<ColumnDef> columns = restoring(session, () -> describe(sql));
            if (names != null && columns.size() != names.size()) {
                throw new MallardException(ErrorCode.BINDER_ERROR, "Binder Error: the query gives " + columns.size()
                        + " columns but " + names.size() + " are inserted", query.at(), null);
            }
            List<String> as = names != null ? names : columns.stream().map(ColumnDef::name).toList();
            String staged = "__mallard_import_" + UUID.randomUUID().toString().replace("-", "");
            run(session, () -> execute("CREATE TEMP TABLE " + staged + " AS SELECT * FROM (" + sql + ") AS v("
                    + String.join(", ", as.stream().map(Sql::ident).toList()) + ")"));
            return Optional.of(new Staged(staged, columns));
        }
    }

    /**
     * COPY table FROM 'name' (options): DuckDB's own COPY of each file the name stands for into a temporary table with
     * the table's columns, so that values are read and cast exactly as a single DuckDB would.
     */
    String stageCopy(TableDef table, TableStatement.CopyFrom s) {
        String options = options(s.options());
        String name = unquote(s.path().text());
        String staged = "__mallard_copy_" + UUID.randomUUID().toString().replace("-", "");
        try (ImportSession session = imports.session()) {
            List<Path> files = session.files(name, s.path().at());
            List<String> columns = new ArrayList<>();
            for (ColumnDef c : table.columns()) {
                columns.add(Sql.ident(c.name()) + " " + c.type() + (c.nullable() ? "" : " NOT NULL"));
            }
            execute("CREATE TEMP TABLE " + staged + " (" + String.join(", ", columns) + ")");
            try {
                for (Path file : files) {
                    run(session, () -> execute("COPY " + staged + " FROM " + Sql.literal(file.toString()) + options));
                }
                return staged;
            } catch (RuntimeException e) {
                writer.drop(staged);
                throw e;
            }
        }
    }

    /** COPY's options: nothing, or one parenthesized list, which DuckDB checks. */
    private static String options(TableStatement.Part options) {
        SqlTokens t = SqlTokens.of(options.text());
        if (t.atEnd()) {
            return "";
        }
        int depth = 0;
        while (!t.atEnd()) {
            SqlTokens.Token token = t.advance();
            if (token.isSymbol("(")) {
                depth++;
            } else if (token.isSymbol(")")) {
                depth--;
            }
            if (depth <= 0 && !(token.isSymbol(")") && depth == 0 && t.atEnd())) {
                throw new MallardException(ErrorCode.SYNTAX_ERROR, "COPY's options go in one pair of parentheses, such "
                        + "as (FORMAT csv, HEADER true)", options.at() + token.start(), null);
            }
        }
        return " " + options.text().strip();
    }

    /** The value of a string literal as written ({@code 'it''s'} → {@code it's}). */
    private static String unquote(String literal) {
        return literal.substring(1, literal.length() - 1).replace("''", "'");
    }

    /** Runs {@code body}, its errors naming the files as the statement did (not the downloads). */
    private static <T> T restoring(ImportSession session, Supplier<T> body) {
        try {
            return body.get();
        } catch (MallardException e) {
            throw session.restore(e);
        }
    }

    private static void run(ImportSession session, Runnable body) {
        restoring(session, () -> {
            body.run();
            return null;
        });
    }

    private List<ColumnDef> describe(String sql) {
        List<ColumnDef> columns = new ArrayList<>();
        try (Statement s = writer.connection().createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM (" + sql + ")")) {
            while (rs.next()) {
                columns.add(new ColumnDef(columns.size(), rs.getString(1), rs.getString(2), true));
            }
            return columns;
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    private void execute(String sql) {
        try {
            Sql.execute(writer.connection(), sql);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }
}
