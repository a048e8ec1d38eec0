package io.mallard.planner.plan;

import io.mallard.common.duck.DuckArrow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** Runs a plan's worker SQL on every shard and its combine SQL over the results (moved as Arrow), without a network. */
final class SplitExecution {
    private SplitExecution() {
    }

    static List<List<Object>> run(DistributedPlan plan, MiniWarehouse warehouse) throws SQLException {
        if (plan.combinesOnReference()) {
            return runOnReference(plan, warehouse);
        }
        try (BufferAllocator allocator = new RootAllocator();
                Connection combine = DriverManager.getConnection("jdbc:duckdb:")) {
            List<String> parts = new ArrayList<>();
            for (int s = 0; s < warehouse.shards.size(); s++) {
                try (Statement st = warehouse.shards.get(s).createStatement();
                        ResultSet rs = st.executeQuery(plan.streams().get(0).sql());
                        ArrowArrayStream stream = DuckArrow.register(combine, "__s" + s, DuckArrow.export(rs, allocator), allocator);
                        Statement cs = combine.createStatement()) {
                    String target = "__t" + s;
                    cs.execute("CREATE TABLE " + target + " AS SELECT * FROM __s" + s);
                    parts.add("SELECT * FROM " + target);
                }
            }
            try (Statement cs = combine.createStatement()) {
                cs.execute("CREATE TABLE " + DistributedPlan.PARTIALS + " AS " + String.join(" UNION ALL ", parts));
                return rows(cs.executeQuery(plan.combineSql()));
            }
        }
    }

    /** GATHER (and LOCAL): every stream's rows from every shard become a temp table shadowing the table in the reference. */
    private static List<List<Object>> runOnReference(DistributedPlan plan, MiniWarehouse warehouse) throws SQLException {
        try (BufferAllocator allocator = new RootAllocator();
                Connection combine = warehouse.reference.unwrap(org.duckdb.DuckDBConnection.class).duplicate()) {
            for (DistributedPlan.WorkerStream stream : plan.streams()) {
                List<String> parts = new ArrayList<>();
                for (int s = 0; s < warehouse.shards.size(); s++) {
                    String view = "__g_" + stream.name() + "_" + s;
                    try (Statement st = warehouse.shards.get(s).createStatement();
                            ResultSet rs = st.executeQuery(stream.sql());
                            ArrowArrayStream arrow = DuckArrow.register(combine, view, DuckArrow.export(rs, allocator), allocator);
                            Statement cs = combine.createStatement()) {
                        cs.execute("CREATE TEMP TABLE " + view + "_t AS SELECT * FROM " + view);
                    }
                    parts.add("SELECT * FROM " + view + "_t");
                }
                try (Statement cs = combine.createStatement()) {
                    cs.execute("CREATE TEMP VIEW " + stream.name() + " AS " + String.join(" UNION ALL ", parts));
                }
            }
            try (Statement cs = combine.createStatement()) {
                return rows(cs.executeQuery(plan.combineSql()));
            }
        }
    }

    static List<List<Object>> rows(ResultSet rs) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= n; c++) {
                row.add(rs.getObject(c));
            }
            rows.add(row);
        }
        rs.close();
        return rows;
    }
}
