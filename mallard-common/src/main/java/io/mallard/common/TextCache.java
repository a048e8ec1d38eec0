package io.mallard.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the coordinator derives from a statement's exact text and may reuse while it runs (plans, result schemas):
 * the most recently used {@code capacity} entries. A value is computed outside the lock, so two threads asking for
 * the same new text may both compute it; failures are not kept.
 */
public final class TextCache<V> {
    private final Map<String, V> entries;

    public TextCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value kept for {@code text}, else {@code compute}'s, which is kept when it returns. */
    public V get(String text, Function<String, V> compute) {
        synchronized (entries) {
            V cached = entries.get(text);
            if (cached != null) {
                return cached;
            }
        }
        V value = compute.apply(text);
        synchronized (entries) {
            entries.put(text, value);
        }
        return value;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
