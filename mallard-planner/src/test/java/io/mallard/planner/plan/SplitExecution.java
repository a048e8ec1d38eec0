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
        try (BufferAllocator allocator = new RootAllocator();
                Connection combine = DriverManager.getConnection("jdbc:duckdb:")) {
            List<String> parts = new ArrayList<>();
            for (int s = 0; s < warehouse.shards.size(); s++) {
                try (Statement st = warehouse.shards.get(s).createStatement();
                        ResultSet rs = st.executeQuery(plan.workerSql());
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
