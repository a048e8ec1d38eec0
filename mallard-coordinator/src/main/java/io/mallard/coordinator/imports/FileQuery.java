package io.mallard.coordinator.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.sql.SqlEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A query that reads files and nothing but files (and its own CTEs), parsed: {@link #rewrite} gives the same query
 * over the local files an {@link ImportSession} has for its names, as SQL the table writer runs. One use only.
 */
public final class FileQuery {
    private final ObjectNode select;
    private final FileReads reads;
    private final SqlEngine engine;
    private boolean rewritten;

    FileQuery(ObjectNode select, FileReads reads, SqlEngine engine) {
        this.select = select;
        this.reads = reads;
        this.engine = engine;
    }

    /** The readers the query calls, for logs. */
    public List<String> readers() {
        return reads.reads().stream().map(FileReads.Read::reader).distinct().toList();
    }

    /**
     * The query over local files: every file name replaced by the list of local files {@code session} gives for it
     * (an {@link ImportSession} downloads objects then); a name of a file DuckDB would read by its extension becomes
     * its reader's call.
     */
    public String rewrite(SourceFiles session) {
        if (rewritten) {
            throw new IllegalStateException("a file query is rewritten once");
        }
        rewritten = true;
        for (FileReads.Read read : reads.reads()) {
            List<ObjectNode> files = new ArrayList<>();
            for (String name : read.names()) {
                for (Path file : session.files(name, read.position())) {
                    files.add(Nodes.string(file.toString()));
                }
            }
            ObjectNode list = Nodes.list(files);
            if (read.isFileName()) {
                ObjectNode ref = read.ref();
                String alias = ref.path("alias").asText("");
                JsonNode columnAliases = ref.path("column_name_alias").deepCopy();
                ObjectNode call = Nodes.tableFunction(read.reader(), List.of(list),
                        alias.isEmpty() ? stem(read.names().get(0)) : alias);
                if (columnAliases instanceof ArrayNode names) {
                    call.set("column_name_alias", names);
                }
                ref.removeAll();
                ref.setAll(call);
            } else {
                ObjectNode argument = (ObjectNode) read.ref().get("function").get("arguments").get(0);
                argument.set("expression", list);
            }
        }
        return engine.render(select);
    }

    /** What DuckDB names a file read in FROM: its file name without extensions ({@code events} of {@code x/events.csv.gz}). */
    private static String stem(String name) {
        String file = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        int dot = file.indexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
