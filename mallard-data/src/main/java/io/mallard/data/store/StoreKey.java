package io.mallard.data.store;

import java.util.regex.Pattern;

/**
 * The names a {@link ShardStore} accepts. A key is 1 to 1024 characters of {@code /}-separated segments; each segment
 * uses only ASCII letters, digits, {@code _ - = .} and does not start with a dot. So a key can never climb out of a
 * local store's directory ({@code ..}), never be absolute, means the same thing on a file system and in S3, sorts the
 * same way in both, and never collides with a store's own dot-named working files.
 */
public final class StoreKey {
    /** Longest key (S3 allows 1024 bytes of object key, and the store's prefix comes on top). */
    public static final int MAX_LENGTH = 1024;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_=-][A-Za-z0-9_=.-]*");

    private StoreKey() {
    }

    /**
     * Returns {@code key} if it is a valid key.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String requireValid(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return key;
    }

    /** Whether {@code key} is a valid key (objects a store did not write may not be). */
    public static boolean isValid(String key) {
        return problem(key) == null;
    }

    private static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "a store key must not be empty";
        }
        if (key.length() > MAX_LENGTH) {
            return "store key longer than " + MAX_LENGTH + " characters";
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return "invalid store key '" + key + "': each '/'-separated part must be non-empty, use only letters,"
                        + " digits, '_', '-', '=', '.', and not start with '.'";
            }
        }
        return null;
    }

    /**
     * Returns {@code prefix} if some valid key could start with it ({@code ""} included).
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String requireValidPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("a store key prefix must not be null (use \"\" for all keys)");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        // A prefix is a key cut anywhere: appending a letter to it gives a valid key exactly when it is valid.
        String problem = problem(prefix + "x");
        if (problem != null) {
            throw new IllegalArgumentException("invalid store key prefix '" + prefix + "': " + problem);
        }
        return prefix;
    }
}
