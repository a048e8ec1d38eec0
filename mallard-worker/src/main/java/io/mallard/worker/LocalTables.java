package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.data.Sql;
import io.mallard.protocol.EdgePartitions;
import io.mallard.protocol.Messages.LocalColumn;
import io.mallard.protocol.Messages.LocalTable;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.Messages.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The worker's local (edge) tables: what it declared ({@link LocalTableSpec}), their exposed columns (fixed when the
 * worker starts), and the state of their files. A table is read through a view over exactly the files of one state,
 * with the exposed columns cast to their announced types; a query pins the state its first task saw, so all its tasks
 * read the same files, and a file of that state that changes meanwhile fails the task rather than mixing two states.
 * The fingerprint of a state is SHA-256 over its files' paths, sizes and modification times.
 */
final class LocalTables {
    /** Queries whose pinned states are kept; beyond this many, the oldest are forgotten. */
    private static final int PINNED_QUERIES = 1_024;

    record FileState(String path, long size, long modifiedMillis) {
    }

    /** The files of a table at one moment, and their fingerprint. */
    record State(List<FileState> files, String fingerprint) {
    }

    /** A view's SELECT and what must run before it can be created (attaching a DuckDB file). */
    record View(String select, List<String> setup, String fingerprint) {
    }

    private final WorkerDatabase database;
    private final String workerName;
    private final Map<String, LocalTableSpec> specs = new LinkedHashMap<>();
    private final Map<String, List<LocalColumn>> columns = new HashMap<>();
    /** The fingerprint last announced to the coordinator, by table (lower case). Guarded by this. */
    private final Map<String, String> announced = new HashMap<>();
    /** (query, table) → the state the query reads. Guarded by this. */
    private final LinkedHashMap<String, State> pinned = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > PINNED_QUERIES;
        }
    };

    /**
     * Reads each table's columns from its files now; INVALID_ARGUMENT when no file matches, a file cannot be read, or
     * an exposed column does not exist.
     */
    LocalTables(List<LocalTableSpec> declared, WorkerDatabase database, String workerName) {
        this.database = database;
        this.workerName = workerName;
        for (LocalTableSpec spec : declared) {
            String key = spec.name().toLowerCase(Locale.ROOT);
            specs.put(key, spec);
            State state = state(spec);
            if (state.files().isEmpty()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--table " + spec.name() + ": no file matches "
                        + spec.pattern());
            }
            List<String> setup = new ArrayList<>();
            List<LocalColumn> all = database.describe("SELECT * FROM " + source(spec, state, setup) + " q", setup);
            List<LocalColumn> exposed = new ArrayList<>();
            if (spec.exposed().isEmpty()) {
                exposed.addAll(all);
            }
            for (String name : spec.exposed()) {
                LocalColumn column = all.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst()
                        .orElseThrow(() -> new MallardException(ErrorCode.INVALID_ARGUMENT, "--expose " + spec.name()
                                + ": no column " + name + " in " + spec.pattern() + " (its columns: "
                                + all.stream().map(LocalColumn::name).collect(Collectors.joining(", ")) + ")"));
                exposed.add(column);
            }
            columns.put(key, List.copyOf(exposed));
        }
    }

    boolean isEmpty() {
        return specs.isEmpty();
    }

    /** The directories DuckDB must be allowed to read for these tables. */
    static List<Path> directories(List<LocalTableSpec> declared) {
        return declared.stream().map(LocalTableSpec::baseDirectory).distinct().toList();
    }

    /** Every table as announced now (columns, rows, fingerprint); remembered as announced. */
    List<LocalTable> announceAll() {
        List<LocalTable> tables = new ArrayList<>();
        for (String key : specs.keySet()) {
            tables.add(announce(key));
        }
        return tables;
    }

    /** The tables whose files changed since they were last announced, as they are now; remembered as announced. */
    List<LocalTable> changed() {
        List<LocalTable> changed = new ArrayList<>();
        for (Map.Entry<String, LocalTableSpec> e : specs.entrySet()) {
            String fingerprint = state(e.getValue()).fingerprint();
            boolean news;
            synchronized (this) {
                news = !fingerprint.equals(announced.get(e.getKey()));
            }
            if (news) {
                changed.add(announce(e.getKey()));
            }
        }
        return changed;
    }

    private LocalTable announce(String key) {
        LocalTableSpec spec = specs.get(key);
        State state = state(spec);
        View view = select(spec, state);
        long rows = database.count(view.select(), view.setup());
        synchronized (this) {
            announced.put(key, state.fingerprint());
        }
        return new LocalTable(spec.name(), columns.get(key), rows, state.fingerprint());
    }

    /**
     * The views of the local tables an edge task reads (table name → view), at the state its query pinned: the first
     * task of a query pins the files as they are now; a later one reads the same files, and fails if one of them
     * changed meanwhile. Empty for a task of a shard.
     */
    Map<String, View> viewsFor(TaskSpec task) {
        Map<String, View> views = new HashMap<>();
        if (!EdgePartitions.isEdge(task.shardId())) {
            return views;
        }
        for (TableScan scan : task.tables()) {
            if (!scan.files().isEmpty()) {
                continue; // a central (replicated) table, read from its proved files
            }
            String key = scan.name().toLowerCase(Locale.ROOT);
            LocalTableSpec spec = specs.get(key);
            if (spec == null || !EdgePartitions.table(task.shardId()).orElse("").equalsIgnoreCase(scan.name())) {
                throw new MallardException(ErrorCode.EDGE_TABLE_REFUSED, "this worker (" + workerName
                        + ") declared no local table " + scan.name());
            }
            String pin = task.queryId() + "/" + key;
            State state;
            synchronized (this) {
                state = pinned.get(pin);
            }
            if (state == null) {
                state = state(spec);
                synchronized (this) {
                    State raced = pinned.putIfAbsent(pin, state);
                    state = raced != null ? raced : state;
                }
            } else {
                checkUnchanged(spec, state);
            }
            views.put(key, select(spec, state));
        }
        return views;
    }

    /** Fails when a file of {@code state} changed since: the query would read two states of the partition. */
    private void checkUnchanged(LocalTableSpec spec, State state) {
        for (FileState f : state.files()) {
            FileState now = fileState(Path.of(f.path()));
            if (!f.equals(now)) {
                throw new MallardException(ErrorCode.EXECUTION_ERROR, "local table " + spec.name() + " of worker "
                        + workerName + " changed while the query read it (" + f.path() + "); run the query again");
            }
        }
    }

    /** The view of a table at {@code state}: the exposed columns cast to their announced types. */
    private View select(LocalTableSpec spec, State state) {
        List<LocalColumn> exposed = columns.get(spec.name().toLowerCase(Locale.ROOT));
        List<String> setup = new ArrayList<>();
        String source = source(spec, state, setup);
        String projection = exposed.stream().map(c -> "CAST(" + (source == null ? "NULL" : "q." + Sql.ident(c.name()))
                + " AS " + c.type() + ") AS " + Sql.ident(c.name())).collect(Collectors.joining(", "));
        String select = source == null ? "SELECT " + projection + " WHERE false" // no file (yet): no rows
                : "SELECT " + projection + " FROM " + source + " q";
        return new View(select, setup, state.fingerprint());
    }

    /** The FROM item that reads all columns of the state's files, or null when it has none; {@code setup} gets what must run first. */
    private static String source(LocalTableSpec spec, State state, List<String> setup) {
        if (state.files().isEmpty()) {
            return null;
        }
        String files = state.files().stream().map(f -> Sql.literal(f.path())).collect(Collectors.joining(", ", "[", "]"));
        return switch (spec.format()) {
            case PARQUET -> "read_parquet(" + files + ", union_by_name = true)";
            case CSV -> "read_csv(" + files + ", header = true, union_by_name = true)";
            case DUCKDB -> {
                String alias = "e_" + state.fingerprint().substring(0, 24);
                setup.add("ATTACH IF NOT EXISTS " + Sql.literal(spec.pattern()) + " AS " + alias + " (READ_ONLY)");
                yield alias + ".main." + Sql.ident(spec.duckTable());
            }
        };
    }

    /** The files matching the table's pattern now, in path order, with their fingerprint. */
    static State state(LocalTableSpec spec) {
        List<FileState> files = new ArrayList<>();
        if (LocalTableSpec.firstWildcard(spec.pattern()) < 0) {
            Path path = Path.of(spec.pattern());
            if (Files.isRegularFile(path)) {
                files.add(fileState(path));
            }
        } else {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + spec.pattern());
            Path base = spec.baseDirectory();
            if (Files.isDirectory(base)) {
                try (Stream<Path> walk = Files.walk(base)) {
                    walk.filter(p -> matcher.matches(p) && Files.isRegularFile(p)).sorted()
                            .forEach(p -> files.add(fileState(p)));
                } catch (IOException | UncheckedIOException e) {
                    throw new MallardException(ErrorCode.IO_ERROR, "cannot list the files of local table " + spec.name()
                            + " (" + spec.pattern() + "): " + e.getMessage(), e);
                }
            }
        }
        StringBuilder text = new StringBuilder(spec.format().name()).append('\n');
        if (spec.duckTable() != null) {
            text.append(spec.duckTable()).append('\n');
        }
        for (FileState f : files) {
            text.append(f.path()).append('|').append(f.size()).append('|').append(f.modifiedMillis()).append('\n');
        }
        return new State(List.copyOf(files), Secrets.sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static FileState fileState(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new FileState(path.toString(), attributes.size(), attributes.lastModifiedTime().toMillis());
        } catch (IOException e) {
            return new FileState(path.toString(), -1, -1); // vanished meanwhile: differs from any state that had it
        }
    }
}
