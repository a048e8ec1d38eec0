package io.mallard.common;

import java.util.OptionalInt;

/**
 * An error with a code, a message meant for the user and, for SQL errors, the character offset in the
 * statement where the problem is.
 */
public class MallardException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final int position;

    public MallardException(ErrorCode code, String message) {
        this(code, message, -1, null);
    }

    public MallardException(ErrorCode code, String message, Throwable cause) {
        this(code, message, -1, cause);
    }

    public MallardException(ErrorCode code, String message, int position, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.position = position;
    }

    public ErrorCode code() {
        return code;
    }

    /** Zero-based character offset into the SQL text, if the error points at one. */
    public OptionalInt position() {
        return position >= 0 ? OptionalInt.of(position) : OptionalInt.empty();
    }

    /** The message with its code, as a user sees it: {@code SYNTAX_ERROR: syntax error at or near "FORM" (at position 9)}. */
    public String describe() {
        String where = position >= 0 ? " (at position " + position + ")" : "";
        return code.wireName() + ": " + getMessage() + where;
    }

    public static MallardException internal(String message, Throwable cause) {
        return new MallardException(ErrorCode.INTERNAL_ERROR, message, cause);
    }
}
