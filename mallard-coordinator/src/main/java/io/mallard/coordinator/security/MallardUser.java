package io.mallard.coordinator.security;

import java.util.Set;

/**
 * A user as the metadata database keeps it: its role, Argon2id hash, the tables granted to it and its token generation,
 * which changes with its password (a token names the generation it was issued under).
 */
public record MallardUser(String name, Role role, String passwordHash, String generation, Set<String> tables) {
    public MallardUser {
        tables = Set.copyOf(tables);
    }

    /** Whether the user may read {@code table}: its role reads every table, or the table was granted to it. */
    public boolean mayRead(String table) {
        return role.readsAll() || tables.contains(UserStore.tableKey(table));
    }

    /** Name and role only: the hash stays out of logs. */
    @Override
    public String toString() {
        return "MallardUser[name=" + name + ", role=" + role.sqlName() + "]";
    }
}
