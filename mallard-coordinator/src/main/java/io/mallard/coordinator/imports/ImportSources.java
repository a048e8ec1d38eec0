package io.mallard.coordinator.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.ImportConfig;
import io.mallard.data.store.S3Location;
import io.mallard.data.store.S3ObjectReader;
import io.mallard.planner.sql.ParsedSql;
import io.mallard.planner.sql.SqlEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the statements that load rows may read files: the admin's import directory and S3 import source
 * ({@link ImportConfig}). A source query that reads files ({@link #fileQuery}) runs in the table writer over local files
 * that an {@link ImportSession} provides: paths checked to lie in the import directory, objects downloaded for the
 * statement. Ordinary queries never read files; this is only for INSERT, CREATE TABLE AS and COPY.
 */
public final class ImportSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImportSources.class);

    private final ImportRules rules;
    private final S3ObjectReader s3;
    private final Path downloads;
    private final SqlEngine engine;

    /**
     * @param config    the import directory and S3 import source
     * @param clusterDir the cluster directory, which the import directory must neither be in nor contain
     * @param downloads where statements download objects (emptied now: what is there is left from a crash)
     * @param store     the cluster's shard store when it is in S3 (its objects are never imported), or null
     * @param engine    DuckDB's parser and renderer
     */
    public ImportSources(ImportConfig config, Path clusterDir, Path downloads, S3Location store, SqlEngine engine)
            throws IOException {
        Path real = null;
        if (config.directory() != null) {
            if (!Files.isDirectory(config.directory())) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the import directory " + config.directory()
                        + " does not exist or is not a directory");
            }
            real = config.directory().toRealPath();
            Path cluster = clusterDir.toAbsolutePath().normalize();
            Path realCluster = Files.exists(cluster) ? cluster.toRealPath() : cluster;
            if (real.startsWith(realCluster) || realCluster.startsWith(real)) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the import directory " + config.directory()
                        + " overlaps the cluster directory " + clusterDir + " (its credentials and files must not be "
                        + "readable by imports); choose a directory outside it");
            }
        }
        this.rules = new ImportRules(config.directory(), real, config.s3(), store);
        this.downloads = downloads;
        this.engine = engine;
        ImportSession.deleteTree(downloads);
        Files.createDirectories(downloads);
        this.s3 = config.s3() == null ? null : new S3ObjectReader(config.s3(), config.s3Credentials());
        if (real != null) {
            LOG.info("imports: files under {}", real);
        }
        if (s3 != null) {
            LOG.info("imports: s3:// objects through the {} (credentials from {})", s3.describe(),
                    config.s3Credentials());
        }
    }

    /**
     * The source query {@code sql} (a SELECT or VALUES) parsed, when it reads files; empty when it reads none or does not
     * parse (it then goes the way of every query, which reports its errors).
     *
     * @throws MallardException UNSUPPORTED_STATEMENT when it reads files and also Mallard tables or other table
     *                          functions: such a source would run where neither is at hand
     */
    public Optional<FileQuery> fileQuery(String sql) {
        ParsedSql parsed = engine.parse(sql);
        if (parsed.failed() || parsed.statements().size() != 1) {
            return Optional.empty();
        }
        ObjectNode select = parsed.statements().get(0);
        FileReads reads = FileReads.of(select);
        if (reads.reads().isEmpty()) {
            return Optional.empty();
        }
        if (!reads.others().isEmpty()) {
            FileReads.Other other = reads.others().get(0);
            FileReads.Read read = reads.reads().get(0);
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "this source reads files ('"
                    + read.names().get(0) + "') and " + other.what() + ": rows are loaded from files or from tables, "
                    + "not both in one statement; load the files into a table first, then combine the tables",
                    other.position(), null);
        }
        return Optional.of(new FileQuery(select, reads, engine));
    }

    /** A new statement's files; close it when the statement ends (it deletes what it downloaded). */
    public ImportSession session() {
        return new ImportSession(rules, s3, downloads);
    }

    /** The directories the table writer must be allowed to read: the import directory (real path) and the downloads. */
    public List<Path> readableDirectories() {
        return rules.realDirectory() == null ? List.of(downloads) : List.of(rules.realDirectory(), downloads);
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
        ImportSession.deleteTree(downloads);
    }
}
