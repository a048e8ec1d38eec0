package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import io.mallard.common.security.PasswordHasher;
import io.mallard.common.security.Secrets;
import io.mallard.common.security.UserRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's users, in the metadata database ({@code auth.users}, {@code auth.grants}; client SQL cannot reach
 * them, see {@code SystemTables}) and in memory for the per-call token checks. At start the users of
 * {@code credentials.json} that the database never had are copied in, so the bootstrap admin of an existing cluster
 * keeps working; a user dropped with SQL stays dropped ({@code auth.seeded} remembers what was copied).
 */
public final class UserStore {
    private static final Logger LOG = LoggerFactory.getLogger(UserStore.class);
    private static final int GENERATION_BYTES = 12;

    /** Opens a connection to the metadata database; the store closes each one after use. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections connections;
    /** Every user by name; replaced whole on each change (readers never lock). */
    private volatile Map<String, MallardUser> users = Map.of();

    private UserStore(Connections connections) {
        this.connections = connections;
    }

    /** Opens the store and copies in the credentials file's users it never had. */
    public static UserStore open(Connections connections, List<UserRecord> seed) {
        UserStore store = new UserStore(connections);
        store.seed(seed);
        store.reload();
        return store;
    }

    /** The key a table's grants are kept under: table names are case-insensitive. */
    static String tableKey(String table) {
        return table.toLowerCase(Locale.ROOT);
    }

    /** The user of that name, as it is now. */
    public Optional<MallardUser> user(String name) {
        return Optional.ofNullable(name == null ? null : users.get(name));
    }

    /** Every user, by name. */
    public List<MallardUser> list() {
        return List.copyOf(new TreeMap<>(users).values());
    }

    /**
     * The user when {@code password} matches its Argon2id hash, else empty. An unknown user costs one Argon2id
     * verification too, so response time does not reveal which names exist.
     */
    public Optional<MallardUser> authenticate(String name, char[] password) {
        MallardUser user = name == null ? null : users.get(name);
        if (user == null) {
            PasswordHasher.verify(password == null ? new char[0] : password, DummyHash.VALUE);
            return Optional.empty();
        }
        return PasswordHasher.verify(password, user.passwordHash()) ? Optional.of(user) : Optional.empty();
    }

    synchronized void create(String name, char[] password) {
        if (users.containsKey(name)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "user " + name + " exists already");
        }
        update("INSERT INTO auth.users VALUES (?, ?, ?, ?, now())", name, Role.NONE.sqlName(),
                PasswordHasher.hash(password), Secrets.randomToken(GENERATION_BYTES));
    }

    synchronized void changePassword(String name, char[] password) {
        require(name);
        update("UPDATE auth.users SET password_hash = ?, generation = ? WHERE name = ?", PasswordHasher.hash(password),
                Secrets.randomToken(GENERATION_BYTES), name);
    }

    /** Drops a user; false when there was none and {@code ifExists}. The last admin cannot be dropped. */
    synchronized boolean drop(String name, boolean ifExists) {
        if (!users.containsKey(name) && ifExists) {
            return false;
        }
        MallardUser user = require(name);
        if (user.role() == Role.ADMIN && admins() == 1) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "user " + name + " is the last admin; "
                    + "grant admin to another user first");
        }
        update("DELETE FROM auth.grants WHERE user_name = ?", name);
        update("DELETE FROM auth.users WHERE name = ?", name);
        return true;
    }

    /** Sets a user's role; the last admin keeps its role. */
    synchronized void setRole(String name, Role role) {
        MallardUser user = require(name);
        if (user.role() == Role.ADMIN && role != Role.ADMIN && admins() == 1) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "user " + name + " is the last admin; "
                    + "grant admin to another user first");
        }
        update("UPDATE auth.users SET role = ? WHERE name = ?", role.sqlName(), name);
    }

    synchronized void grantSelect(String name, String table) {
        MallardUser user = require(name);
        if (!user.tables().contains(tableKey(table))) {
            update("INSERT INTO auth.grants VALUES (?, ?)", name, tableKey(table));
        }
    }

    /** Revokes a table grant; false when there was none. */
    synchronized boolean revokeSelect(String name, String table) {
        MallardUser user = require(name);
        if (!user.tables().contains(tableKey(table))) {
            return false;
        }
        update("DELETE FROM auth.grants WHERE user_name = ? AND table_name = ?", name, tableKey(table));
        return true;
    }

    MallardUser require(String name) {
        MallardUser user = users.get(name);
        if (user == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no user " + name);
        }
        return user;
    }

    private long admins() {
        return users.values().stream().filter(u -> u.role() == Role.ADMIN).count();
    }

    private void update(String sql, Object... values) {
        try (Connection connection = open(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        } finally {
            reload();
        }
    }

    /**
     * A connection that commits each statement: a duplicate of the metadata database's connection takes over its
     * auto-commit state, which is off while the history writer has a transaction open.
     */
    private Connection open() throws SQLException {
        Connection connection = connections.open();
        try {
            connection.setAutoCommit(true);
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    private void seed(List<UserRecord> seed) {
        try (Connection connection = open()) {
            for (UserRecord record : seed) {
                try (PreparedStatement seen = connection.prepareStatement("SELECT count(*) FROM auth.seeded WHERE name = ?")) {
                    seen.setString(1, record.name());
                    try (ResultSet rs = seen.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            continue;
                        }
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO auth.users SELECT ?, ?, ?, ?, now() WHERE NOT EXISTS "
                                + "(SELECT 1 FROM auth.users WHERE name = ?)");
                        PreparedStatement seeded = connection.prepareStatement("INSERT INTO auth.seeded VALUES (?)")) {
                    insert.setString(1, record.name());
                    insert.setString(2, Role.of(record.role()).sqlName());
                    insert.setString(3, record.passwordHash());
                    insert.setString(4, Secrets.randomToken(GENERATION_BYTES));
                    insert.setString(5, record.name());
                    insert.executeUpdate();
                    seeded.setString(1, record.name());
                    seeded.executeUpdate();
                }
                LOG.info("user {} copied from the credentials file into the metadata database", record.name());
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    private void reload() {
        Map<String, Set<String>> grants = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        try (Connection connection = open();
                PreparedStatement users = connection.prepareStatement(
                        "SELECT name, role, password_hash, generation FROM auth.users");
                PreparedStatement tables = connection.prepareStatement("SELECT user_name, table_name FROM auth.grants")) {
            try (ResultSet rs = tables.executeQuery()) {
                while (rs.next()) {
                    grants.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                }
            }
            try (ResultSet rs = users.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
        Map<String, MallardUser> loaded = new HashMap<>();
        for (String[] row : rows) {
            loaded.put(row[0], new MallardUser(row[0], Role.of(row[1]), row[2], row[3], grants.getOrDefault(row[0], Set.of())));
        }
        this.users = Map.copyOf(loaded);
    }

    /** A hash to verify against for unknown users, made on first use. */
    private static final class DummyHash {
        static final String VALUE = PasswordHasher.hash(Secrets.randomToken(16).toCharArray());
    }
}
