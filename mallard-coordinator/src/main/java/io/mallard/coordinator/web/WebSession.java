package io.mallard.coordinator.web;

import io.mallard.coordinator.flightsql.ClientSession;
import io.mallard.protocol.QuerySettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One logged-in browser: its statement settings ({@code SET mallard.…}, the page's toggles) and its latest results,
 * at most {@link #KEPT} of them (the oldest is cancelled and dropped when another starts).
 */
final class WebSession {
    /** How many results a session keeps for paging. */
    static final int KEPT = 8;

    final ClientSession settings = ClientSession.ephemeral(QuerySettings.DEFAULTS);
    private final Map<String, ResultPage> results = new LinkedHashMap<>();
    private volatile long lastUsedMillis = System.currentTimeMillis();

    synchronized void add(ResultPage page) {
        if (results.size() >= KEPT) {
            String oldest = results.keySet().iterator().next();
            results.remove(oldest).cancel();
        }
        results.put(page.queryId(), page);
    }

    synchronized ResultPage result(String queryId) {
        return results.get(queryId);
    }

    synchronized void cancelAll() {
        results.values().forEach(ResultPage::cancel);
        results.clear();
    }

    void touch() {
        lastUsedMillis = System.currentTimeMillis();
    }

    long lastUsedMillis() {
        return lastUsedMillis;
    }
}
