package io.mallard.planner.catalog;

import java.util.Optional;

/** The tables the planner may distribute. Names are matched case-insensitively. */
public interface Catalog {
    Optional<TableInfo> table(String name);
}
