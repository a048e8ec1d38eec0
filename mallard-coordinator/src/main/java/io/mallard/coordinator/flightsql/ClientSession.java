package io.mallard.coordinator.flightsql;

import io.mallard.protocol.QuerySettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client session (one bearer token): its settings, changed by {@code SET mallard.… = …} or Flight session options,
 * and its open prepared statements.
 */
public final class ClientSession {
    private final String id;
    private volatile QuerySettings settings = QuerySettings.DEFAULTS;
    private volatile long lastUsedMillis = System.currentTimeMillis();
    final Map<String, PreparedQuery> prepared = new ConcurrentHashMap<>();

    ClientSession(String id) {
        this.id = id;
    }

    /** A session that lives for one request only (the Mallard JSON protocol sends its settings with each query). */
    public static ClientSession ephemeral(QuerySettings settings) {
        ClientSession session = new ClientSession("");
        session.settings = settings;
        return session;
    }

    public String id() {
        return id;
    }

    public QuerySettings settings() {
        return settings;
    }

    /** Changes one setting; unknown names and values are refused with INVALID_ARGUMENT. */
    public synchronized void set(String name, String value) {
        settings = settings.with(name, value);
    }

    void touch(long nowMillis) {
        lastUsedMillis = nowMillis;
    }

    long lastUsedMillis() {
        return lastUsedMillis;
    }
}
