package io.mallard.planner.plan;

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

    @AfterAll
    static void stopWarehouse() throws SQLException {
        warehouse.close();
    }
}
