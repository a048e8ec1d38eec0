package io.mallard.bench;

import io.mallard.protocol.client.MallardClient;
import io.mallard.protocol.client.QueryRows;
import io.mallard.testing.Oracle;
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

    private SideBySide() {
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
