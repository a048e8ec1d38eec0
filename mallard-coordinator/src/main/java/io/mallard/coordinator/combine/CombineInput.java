package io.mallard.coordinator.combine;

import io.mallard.common.MallardException;
import java.util.List;

/** What a combine reads: each stream's shard answers, in the order they are combined, and the query's fate. */
public interface CombineInput {
    String queryId();

    /** The shards' answers to the plan's stream {@code name}, in manifest order (so float sums are reproducible). */
    List<ShardStream> answers(String name);

    /** The query's first failure, or null while it is fine. */
    MallardException failure();

    /** Fails the query unless it failed already; returns whether this was the first failure. */
    boolean fail(MallardException e);
}
