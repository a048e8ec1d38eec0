package io.mallard.coordinator.flightsql;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.server.Identity;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Statements only the coordinator understands, for administrators: {@code CALL mallard_drain('w2')} drains a worker
 * (by id or name): it gets no new tasks, hands its shards over to other workers, finishes its running tasks and leaves.
 * The answer is one row, one column {@code drain}, saying how the worker stands.
 */
final class AdminStatements {
    /** A worker's id or name: letters, digits and {@code _ . : -}, nothing that could be SQL. */
    private static final Pattern DRAIN = Pattern.compile(
            "^\\s*CALL\\s+mallard_drain\\s*\\(\\s*'([A-Za-z0-9_.:-]{1,200})'\\s*\\)\\s*;?\\s*$", Pattern.CASE_INSENSITIVE);
    static final Schema DRAIN_SCHEMA = new Schema(List.of(Field.nullable("drain", ArrowType.Utf8.INSTANCE)));

    private final Function<String, String> drainer;

    /** @param drainer drains the worker named by id or name and says how it stands */
    AdminStatements(Function<String, String> drainer) {
        this.drainer = drainer;
    }

    /** The worker a {@code CALL mallard_drain('…')} names; empty for any other statement. */
    static Optional<String> drainTarget(String sql) {
        Matcher m = DRAIN.matcher(sql);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Runs it for {@code caller} (an administrator, else PERMISSION_DENIED); the answer's one row is in the root. */
    VectorSchemaRoot drain(Identity caller, String worker, BufferAllocator allocator) {
        if (!caller.isAdmin()) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "only an administrator may drain a worker");
        }
        String outcome = drainer.apply(worker);
        VectorSchemaRoot root = VectorSchemaRoot.create(DRAIN_SCHEMA, allocator);
        VarCharVector column = (VarCharVector) root.getVector(0);
        column.allocateNew(1);
        column.setSafe(0, outcome.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        root.setRowCount(1);
        return root;
    }
}
