package io.mallard.data;

import io.mallard.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes single DuckDB files cut from the oracle: one shard of a dataset, or the reference copy.
 * Each file is built under a temporary name, checkpointed and closed, and only then renamed; so a
 * file under its final name is always complete, and its bytes never change after it was hashed.
 */
final class ShardWriter {
    /** Catalog alias of the oracle inside a shard connection; distinct from any table name. */
    private static final String SRC = "mallard_oracle";

    private ShardWriter() {
    }

    /** Result of writing one file: its final path and the row count of each table. */
    record Written(Path file, Map<String, Long> rowCounts) {
    }

    /**
     * Writes shard {@code index} of {@code shardCount} of a dataset: partitioned tables filtered by
     * hash, then dimension tables restricted to rows referenced from this shard, then replicated tables.
     */
    static Written writeShard(Path oracle, List<TableSpec> tables, int shardCount, int index, Path target)
            throws IOException, SQLException {
        return write(oracle, target, c -> {
            for (TableSpec t : inDependencyOrder(tables)) {
                String where = switch (t.role()) {
                    case PARTITIONED -> hashFilter(t, shardCount, index);
                    case DIMENSION -> referencedFilter(t);
                    case REPLICATED -> "true";
                };
                copy(c, t, where);
            }
        }, tables);
    }

    /** Writes the coordinator's reference copy: dimension and replicated tables in full, partitioned tables empty. */
    static Written writeReference(Path oracle, List<TableSpec> tables, Path target) throws IOException, SQLException {
        return write(oracle, target, c -> {
            for (TableSpec t : tables) {
                copy(c, t, t.role() == TableRole.PARTITIONED ? "false" : "true");
            }
        }, tables);
    }

    @FunctionalInterface
    private interface Filler {
        void fill(Connection c) throws SQLException;
    }

    private static Written write(Path oracle, Path target, Filler filler, List<TableSpec> tables)
            throws IOException, SQLException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        OracleBuilder.deleteDuckDbFile(tmp);
        Files.createDirectories(target.toAbsolutePath().getParent());
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + tmp.toAbsolutePath())) {
            Sql.execute(c, "ATTACH " + Sql.literal(oracle.toAbsolutePath().toString()) + " AS " + SRC + " (READ_ONLY)");
            filler.fill(c);
            for (TableSpec t : tables) {
                counts.put(t.name(), Sql.queryLong(c, "SELECT count(*) FROM " + Sql.ident(t.name())));
            }
            Sql.execute(c, "DETACH " + SRC);
            // Flush everything into the main file now, so closing leaves no WAL and the bytes are final.
            Sql.execute(c, "CHECKPOINT");
        }
        if (Files.exists(OracleBuilder.walOf(tmp))) {
            throw new IOException("DuckDB left a WAL next to " + tmp + " after CHECKPOINT and close");
        }
        OracleBuilder.deleteDuckDbFile(target);
        AtomicFiles.moveReplacing(tmp, target);
        return new Written(target, counts);
    }

    /** Creates {@code t} in the shard with the spec's exact types and copies the oracle rows matching {@code where}. */
    private static void copy(Connection c, TableSpec t, String where) throws SQLException {
        Sql.execute(c, Sql.createTable(t));
        Sql.execute(c, "INSERT INTO " + Sql.ident(t.name()) + " (" + Sql.columnList(t, null) + ") SELECT "
                + Sql.columnList(t, "src") + " FROM " + SRC + ".main." + Sql.ident(t.name()) + " AS src WHERE " + where);
    }

    /**
     * {@code hash(key...) % N = i}, or {@code hash(rowid) % N = i} for a table without shard key. This
     * must stay in sync with the manifest's {@code hashFunction} text, which the planner relies on.
     */
    static String hashFilter(TableSpec t, int shardCount, int index) {
        String arg = t.shardKey().isEmpty()
                ? "src.rowid"
                : t.shardKey().stream().map(k -> "src." + Sql.ident(k)).collect(Collectors.joining(", "));
        return "hash(" + arg + ") % " + shardCount + " = " + index;
    }

    /** Keeps rows referenced by any of the table's references, looking at the shard's own (already filtered) facts. */
    private static String referencedFilter(TableSpec t) {
        List<String> alternatives = new ArrayList<>();
        for (Reference r : t.references()) {
            List<String> eq = new ArrayList<>();
            for (int k = 0; k < r.fromColumns().size(); k++) {
                eq.add("f." + Sql.ident(r.fromColumns().get(k)) + " = src." + Sql.ident(r.toColumns().get(k)));
            }
            alternatives.add("EXISTS (SELECT 1 FROM " + Sql.ident(r.fromTable()) + " AS f WHERE "
                    + String.join(" AND ", eq) + ")");
        }
        return "(" + String.join(" OR ", alternatives) + ")";
    }

    /** Partitioned tables first, because dimension rows are selected by what the shard's facts reference. */
    private static List<TableSpec> inDependencyOrder(List<TableSpec> tables) {
        List<TableSpec> sorted = new ArrayList<>(tables);
        sorted.sort(Comparator.comparingInt(t -> switch (t.role()) {
            case PARTITIONED -> 0;
            case DIMENSION -> 1;
            case REPLICATED -> 2;
        }));
        for (TableSpec t : sorted) {
            for (Reference r : t.references()) {
                boolean fromPartitioned = sorted.stream().anyMatch(
                        o -> o.name().equalsIgnoreCase(r.fromTable()) && o.role() == TableRole.PARTITIONED);
                if (!fromPartitioned) {
                    throw new IllegalArgumentException(t.name() + " is referenced from " + r.fromTable()
                            + ", which is not a partitioned table of the same dataset");
                }
            }
        }
        return sorted;
    }
}
