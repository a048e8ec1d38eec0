package io.mallard.coordinator.combine;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.MallardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Received batches beyond the spill threshold go to disk and come back, in order, when the combine reads the shard;
 * attempts that do not answer take their spill files with them; nothing is left in memory or on disk.
 */
class SpillTest {
    private static final Schema SCHEMA = new Schema(List.of(Field.nullable("k", new ArrowType.Int(64, true))));

    @TempDir
    Path dir;

    @Test
    void batchesPastTheThresholdAreReadBackFromDiskInOrder() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            SpillArea spill = new SpillArea(64 * 1024, dir);
            spill.attach(allocator);
            ShardStream first = new ShardStream("s-0", spill);
            ShardStream second = new ShardStream("s-1", spill);
            first.begin(1);
            second.begin(1);
            second.begin(2); // a duplicate that never answers
            first.open(1, SCHEMA);
            second.open(1, SCHEMA);
            second.open(2, SCHEMA);
            List<Long> sent = new ArrayList<>();
            try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
                for (int b = 0; b < 40; b++) { // 40 batches of 1,000 rows: about 320 KB, five times the threshold
                    fill(root, b * 1_000L, 1_000, sent);
                    first.add(1, root, null);
                    second.add(2, root, null);
                }
                fill(root, -1, 1, sent);
                second.add(1, root, null);
            }
            int filesBefore = spill.openFiles();
            assertThat(filesBefore).as("batches past the threshold went to disk").isPositive();
            assertThat(first.end(1)).isTrue();
            assertThat(second.end(1)).isTrue(); // the duplicate's batches and file go
            assertThat(spill.openFiles()).isLessThan(filesBefore);
            assertThat(spill.spilledBytes()).isPositive();

            List<Long> read = new ArrayList<>();
            try (PartialsReader reader = new PartialsReader(allocator, new Fine("q"), List.of(first, second))) {
                while (reader.loadNextBatch()) {
                    BigIntVector k = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
                    for (int i = 0; i < k.getValueCount(); i++) {
                        read.add(k.get(i));
                    }
                }
            }
            assertThat(read).as("every row once, in the order sent").containsExactlyElementsOf(sent);
            assertThat(spill.openFiles()).isZero();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).as("no spill file is left").isEmpty();
            }
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }

    @Test
    void aDiscardedStreamDeletesItsSpillFiles() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            SpillArea spill = new SpillArea(0, dir); // everything spills
            spill.attach(allocator);
            ShardStream stream = new ShardStream("s-0", spill);
            stream.begin(1);
            stream.open(1, SCHEMA);
            try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
                fill(root, 0, 10, new ArrayList<>());
                stream.add(1, root, null);
            }
            stream.end(1);
            assertThat(spill.openFiles()).isEqualTo(1);
            stream.discard();
            assertThat(spill.openFiles()).isZero();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void anAllocationThatWouldPassTheBudgetWritesHeldBatchesOutAndSucceeds() throws Exception {
        SpillArea spill = new SpillArea(Long.MAX_VALUE, dir); // no threshold: only the budget's pressure spills
        try (BufferAllocator allocator = new RootAllocator(spill, 256 * 1024)) {
            spill.attach(allocator);
            ShardStream stream = new ShardStream("s-0", spill);
            stream.begin(1);
            stream.open(1, SCHEMA);
            List<Long> sent = new ArrayList<>();
            try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
                for (int b = 0; b < 40; b++) { // about 320 KB in all: more than the 256 KB budget
                    fill(root, b * 1_000L, 1_000, sent);
                    stream.add(1, root, null);
                }
            }
            assertThat(spill.openFiles()).as("held batches were written out to make room").isEqualTo(1);
            assertThat(allocator.getAllocatedMemory()).isLessThanOrEqualTo(256 * 1024);
            stream.end(1);
            List<Long> read = new ArrayList<>();
            try (PartialsReader reader = new PartialsReader(allocator, new Fine("q"), List.of(stream))) {
                while (reader.loadNextBatch()) {
                    BigIntVector k = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
                    for (int i = 0; i < k.getValueCount(); i++) {
                        read.add(k.get(i));
                    }
                }
            }
            assertThat(read).containsExactlyElementsOf(sent);
            assertThat(spill.openFiles()).isZero();
        }
    }

    private static void fill(VectorSchemaRoot root, long from, int rows, List<Long> sent) {
        BigIntVector k = (BigIntVector) root.getVector(0);
        k.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
            k.set(i, from + i);
            sent.add(from + i);
        }
        root.setRowCount(rows);
    }

    /** A query that never fails. */
    private record Fine(String queryId) implements CombineInput {
        @Override
        public List<ShardStream> answers(String name) {
            return List.of();
        }

        @Override
        public MallardException failure() {
            return null;
        }

        @Override
        public boolean fail(MallardException e) {
            return false;
        }
    }
}
