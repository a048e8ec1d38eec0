package io.mallard.coordinator.scheduling;

import io.mallard.coordinator.combine.ShardStream;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One shard's part of one stream of a query: its task, the attempts at it (the first, retries after failures, and
 * duplicates of slow or suspected ones), and its answer as it arrives. The first attempt that ends answers; the slot is
 * done then. Never calls out while holding its own lock.
 */
final class ShardSlot {
    final String queryId;
    final String stream;
    final String shardId;
    final String sql;
    /** The tables the task reads, with their files at the version the query pinned. */
    final List<TableScan> tables;
    final ShardStream answer;
    /** Attempts that may still answer, by number. */
    private final Map<Integer, TaskAttempt> running = new ConcurrentHashMap<>();
    /** Every attempt so far, in order. */
    private final List<TaskAttempt> attempts = new CopyOnWriteArrayList<>();
    private int lastAttempt;
    private volatile TaskAttempt answeredBy;

    ShardSlot(String queryId, String stream, String shardId, String sql, List<TableScan> tables, SpillArea spill) {
        this.queryId = queryId;
        this.stream = stream;
        this.shardId = shardId;
        this.sql = sql;
        this.tables = List.copyOf(tables);
        this.answer = new ShardStream(shardId, spill);
    }

    /** A new attempt, able to upload from now on; its worker is set when one is chosen. */
    synchronized TaskAttempt newAttempt(boolean duplicate) {
        TaskAttempt attempt = new TaskAttempt(++lastAttempt, duplicate);
        attempts.add(attempt);
        running.put(attempt.number, attempt);
        answer.begin(attempt.number);
        return attempt;
    }

    /** Takes back an attempt that no worker could be found for: as if it had never been started. */
    synchronized void withdraw(TaskAttempt attempt) {
        running.remove(attempt.number);
        attempts.remove(attempt);
        answer.drop(attempt.number);
        if (lastAttempt == attempt.number) {
            lastAttempt--;
        }
    }

    /** The attempt if it may still answer, else null. */
    TaskAttempt running(int attempt) {
        return running.get(attempt);
    }

    /** Attempt {@code number}, running or not; null if there is no such attempt. */
    TaskAttempt attempt(int number) {
        for (TaskAttempt attempt : attempts) {
            if (attempt.number == number) {
                return attempt;
            }
        }
        return null;
    }

    /** The attempts that may still answer. */
    List<TaskAttempt> runningAttempts() {
        return List.copyOf(running.values());
    }

    /** The attempt ended without an answer (it failed, or was given up); false if it could no longer answer anyway. */
    synchronized boolean attemptFailed(int number) {
        TaskAttempt attempt = running.remove(number);
        if (attempt == null) {
            return false;
        }
        attempt.endNanos = System.nanoTime();
        answer.drop(number);
        return true;
    }

    /**
     * The attempt uploaded its whole answer. Returns the other attempts still running, to be cancelled, if it is the
     * shard's answer; null if another attempt answered first (or it could no longer answer).
     */
    synchronized List<TaskAttempt> attemptAnswered(int number) {
        TaskAttempt attempt = running.remove(number);
        if (attempt == null) {
            return null;
        }
        attempt.endNanos = System.nanoTime();
        if (!answer.end(number)) {
            return null;
        }
        answeredBy = attempt;
        List<TaskAttempt> others = new ArrayList<>(running.values());
        running.clear();
        others.forEach(o -> o.endNanos = attempt.endNanos);
        return others;
    }

    /** The workers that ran or run an attempt of this task, in order: a retry goes elsewhere. */
    Set<String> workersTried() {
        Set<String> tried = new LinkedHashSet<>();
        attempts.stream().map(a -> a.workerId).filter(Objects::nonNull).forEach(tried::add);
        return tried;
    }

    /** The attempt that answered, else the latest one (null before dispatch). */
    TaskAttempt current() {
        TaskAttempt answered = answeredBy;
        if (answered != null) {
            return answered;
        }
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    /** Every attempt started, in order (a withdrawn one, never handed out, is not among them). */
    List<TaskAttempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Whether {@code attempt}'s answer is the shard's answer. */
    boolean answeredBy(TaskAttempt attempt) {
        return answeredBy == attempt;
    }

    /** Whether a duplicate of this task was ever started (a task is duplicated once at most). */
    boolean hasDuplicate() {
        return attempts.stream().anyMatch(a -> a.duplicate);
    }

    /** Duplicates started beside a running attempt (at most one). */
    int duplicateCount() {
        return (int) attempts.stream().filter(a -> a.duplicate).count();
    }

    int attemptCount() {
        return attempts.size();
    }

    TaskSpec task(TaskAttempt attempt) {
        return new TaskSpec(queryId, shardId, stream, attempt.number, sql, tables);
    }

    TaskKey taskKey(int attempt) {
        return new TaskKey(queryId, shardId, stream, attempt);
    }

    boolean done() {
        return answer.ended();
    }
}
