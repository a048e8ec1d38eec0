package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.planner.sql.DuckDbSqlEngine;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A {@link MiniWarehouse} of three shards and a planner over it, shared by the tests of one class. */
abstract class PlannerTestBase {
    static MiniWarehouse warehouse;
    static DistributedPlanner planner;

    @BeforeAll
    static void startWarehouse() throws SQLException {
        warehouse = new MiniWarehouse(3);
        planner = new DistributedPlanner(warehouse, new DuckDbSqlEngine(warehouse.reference));
    }

    /**
     * The worker SQL of the stream that ships {@code table}, after checking that the statement is planned as GATHER
     * and that its split answer equals the oracle's (which must have rows).
     */
    static String gatheredStream(String sql, String table) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).isEqualTo(Strategy.GATHER);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
        return plan.streams().stream().filter(s -> s.name().equals(table)).findFirst().orElseThrow().sql();
    }

    @AfterAll
    static void stopWarehouse() throws SQLException {
        warehouse.close();
    }
}
