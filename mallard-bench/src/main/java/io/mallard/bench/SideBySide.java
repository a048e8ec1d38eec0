package io.mallard.bench;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times one query through the coordinator and on a single DuckDB over the same unsharded data, interleaved, and
 * reports medians: a ratio measured in one run on one machine, never an absolute target.
 */
public final class SideBySide {
    /** Medians in milliseconds and the last results of both sides. */
    public record Timing(double distributedMillis, double duckdbMillis, QueryRows distributed, QueryRows duckdb) {
        public double ratio() {
            return duckdbMillis == 0 ? Double.NaN : distributedMillis / duckdbMillis;
        }
    }

    /** One side of the comparison: runs a query and returns all of its rows. */
    @FunctionalInterface
    public interface Side {
        QueryRows query(String sql) throws Exception;
    }

    /** Every timed run of both sides, and the distributed side's last answer (for the oracle check). */
    public record Runs(Samples distributed, Samples duckdb, QueryRows lastDistributed) {
        /** Median over median: how many times longer the distributed side took. */
        public double ratio() {
            return distributed.median() / duckdb.median();
        }
    }

    private SideBySide() {
    }

    /**
     * Runs {@code warmups} untimed rounds, then {@code runs} timed rounds, each round the distributed side first and the
     * single DuckDB right after, so that both see the same machine state (other processes, caches, clock speed).
     */
    public static Runs interleaved(Side distributed, Side duckdb, String sql, int warmups, int runs) throws Exception {
        for (int i = 0; i < warmups; i++) {
            distributed.query(sql);
            duckdb.query(sql);
        }
        List<Double> distributedMillis = new ArrayList<>();
        List<Double> duckdbMillis = new ArrayList<>();
        QueryRows last = null;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            last = distributed.query(sql);
            distributedMillis.add((System.nanoTime() - start) / 1e6);
            start = System.nanoTime();
            duckdb.query(sql);
            duckdbMillis.add((System.nanoTime() - start) / 1e6);
        }
        return new Runs(new Samples(distributedMillis), new Samples(duckdbMillis), last);
    }

    public static Timing measure(MallardClient client, Oracle oracle, String sql, int runs) throws SQLException {
        List<Double> distributed = new ArrayList<>();
        List<Double> single = new ArrayList<>();
        QueryRows lastDistributed = null;
        QueryRows lastSingle = null;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            lastDistributed = client.query(sql);
            distributed.add((System.nanoTime() - start) / 1e6);
            start = System.nanoTime();
            lastSingle = oracle.query(sql);
            single.add((System.nanoTime() - start) / 1e6);
        }
        return new Timing(median(distributed), median(single), lastDistributed, lastSingle);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
