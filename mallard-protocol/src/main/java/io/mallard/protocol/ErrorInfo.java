package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;

/** An error as it travels: the code's frozen {@link ErrorCode#wireName() wire name}, message and optional SQL position. */
public record ErrorInfo(String code, String message, int position) {

    public static ErrorInfo of(MallardException e) {
        return new ErrorInfo(e.code().wireName(), e.getMessage(), e.position().orElse(-1));
    }

    /** The error again; a code this version does not know (a newer peer's) becomes INTERNAL_ERROR, message kept. */
    public MallardException toException() {
        ErrorCode parsed = ErrorCode.fromWireName(code).orElse(ErrorCode.INTERNAL_ERROR);
        return new MallardException(parsed, message, position, null);
    }
}
