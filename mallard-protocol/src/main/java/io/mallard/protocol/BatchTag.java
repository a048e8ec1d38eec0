package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.charset.StandardCharsets;

/**
 * The app metadata of a batch in an upload of several tasks ({@link Messages.TaskResult}): which task the batch belongs
 * to, by its index in the upload's task list, and whether it is the empty batch that ends that task. On the wire it is
 * ASCII: {@code "<index>"} for a batch, {@code "<index>:end"} for the end; the index is written without sign or leading
 * zeros, and anything else is refused as {@code PROTOCOL_ERROR}.
 */
public record BatchTag(int taskIndex, boolean end) {
    private static final String END = ":end";
    /** Ten digits hold every non-negative int; more is junk, not a big index. */
    private static final int MAX_DIGITS = 10;

    public BatchTag {
        if (taskIndex < 0) {
            throw new IllegalArgumentException("a task index is not negative: " + taskIndex);
        }
    }

    /** The tag of a batch of rows of the task at {@code taskIndex}. */
    public static BatchTag batch(int taskIndex) {
        return new BatchTag(taskIndex, false);
    }

    /** The tag of the empty batch that ends the task at {@code taskIndex}. */
    public static BatchTag end(int taskIndex) {
        return new BatchTag(taskIndex, true);
    }

    public byte[] encode() {
        return (end ? taskIndex + END : Integer.toString(taskIndex)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a tag; anything {@link #encode()} cannot have written fails with {@code PROTOCOL_ERROR}. */
    public static BatchTag decode(byte[] bytes) {
        int length = bytes.length;
        boolean end = endsWithEnd(bytes);
        int digits = end ? length - END.length() : length;
        if (digits == 0 || digits > MAX_DIGITS || digits > 1 && bytes[0] == '0') {
            throw junk(bytes);
        }
        long index = 0;
        for (int i = 0; i < digits; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                throw junk(bytes);
            }
            index = index * 10 + digit;
        }
        if (index > Integer.MAX_VALUE) {
            throw junk(bytes);
        }
        return new BatchTag((int) index, end);
    }

    private static boolean endsWithEnd(byte[] bytes) {
        int from = bytes.length - END.length();
        if (from < 0) {
            return false;
        }
        for (int i = 0; i < END.length(); i++) {
            if (bytes[from + i] != END.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static MallardException junk(byte[] bytes) {
        String shown = new String(bytes, 0, Math.min(bytes.length, 32), StandardCharsets.US_ASCII);
        return new MallardException(ErrorCode.PROTOCOL_ERROR, "a batch's task tag is not '<index>' or '<index>:end': '"
                + shown + (bytes.length > 32 ? "…" : "") + "'");
    }
}
