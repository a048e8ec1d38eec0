package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.protocol.Messages.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskKeyTest {
    @Test
    void aTaskKeyComparesByItsPartsNotItsText() {
        // shard ids that are substrings of each other, or that contain the separator, are still different tasks
        TaskKey a = new TaskKey("q1", "tpch-1", "s", 1);
        assertThat(a.reads("tpch-1")).isTrue();
        assertThat(a.reads("tpch-10")).isFalse();
        assertThat(new TaskKey("q1", "tpch-10", "s", 1).reads("tpch-1")).isFalse();
        assertThat(new TaskKey("q1", "a/b", "c", 1)).isNotEqualTo(new TaskKey("q1", "a", "b/c", 1));
        assertThat(new TaskKey("q1", "a/b", "c", 1).toString()).isEqualTo(new TaskKey("q1", "a", "b/c", 1).toString());
    }

    @Test
    void aTaskSpecAndAnUploadNameTheSameKey() {
        TaskSpec task = new TaskSpec("q1", "tpch-3", "lineitem", 2, "SELECT 1", java.util.List.of());
        assertThat(task.taskKey()).isEqualTo(new TaskKey("q1", "tpch-3", "lineitem", 2));
        assertThat(task.key()).isEqualTo("q1/tpch-3/lineitem/2");
        Messages.TaskResult upload = new Messages.TaskResult("w1", "q1", "lineitem",
                List.of(new Messages.TaskRef("tpch-0", 1), new Messages.TaskRef("tpch-3", 2)));
        assertThat(upload.taskKey(1)).isEqualTo(task.taskKey());
        assertThat(Messages.TaskResult.of("w1", task).taskKey(0)).isEqualTo(task.taskKey());
    }
}
