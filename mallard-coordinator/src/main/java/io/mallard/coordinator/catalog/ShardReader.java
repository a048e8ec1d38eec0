package io.mallard.coordinator.catalog;

import io.mallard.data.Sql;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.ViewSql;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.duckdb.DuckDBConnection;

/**
 * One shard of a version as a worker sees it, in a DuckDB of its own: every table a view over the shard's files. For
 * tools and tests that run worker SQL on a shard outside a cluster (the shard benchmark, data checks).
 */
public final class ShardReader {
    private ShardReader() {
    }

    /**
     * A new in-memory DuckDB with the shard's tables as views; the caller closes it.
     *
     * @param localCopy a local file with a stored file's bytes ({@link Catalog#localCopy})
     * @param settings  DuckDB settings of the connection (threads, disabled optimizers…)
     */
    public static DuckDBConnection open(Snapshot snapshot, int shard, Function<DataFile, Path> localCopy,
            Properties settings) throws SQLException {
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", settings);
        try (Statement s = connection.createStatement()) {
            Set<String> attached = new HashSet<>();
            for (DataFile f : snapshot.filesOfShard(shard)) {
                if (attached.add(f.fileId())) {
                    s.execute("ATTACH " + Sql.literal(localCopy.apply(f).toAbsolutePath().toString()) + " AS f_" + f.fileId()
                            + " (READ_ONLY)");
                }
            }
            for (TableDef table : snapshot.tables()) {
                List<ViewSql.FileRead> reads = new ArrayList<>();
                for (DataFile f : snapshot.dataFiles(table.id(), shard)) {
                    reads.add(new ViewSql.FileRead(f.fileId(), f.columnIds(),
                            snapshot.deletesOf(f.fileId()).map(DataFile::fileId).orElse(null)));
                }
                s.execute("CREATE VIEW " + Sql.ident(table.name()) + " AS "
                        + ViewSql.select(table.columns(), reads, id -> "f_" + id));
            }
            s.execute("CREATE VIEW __mallard_shard AS SELECT " + Sql.literal(Snapshot.shardId(shard)) + " AS shard");
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }
}
