package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;

/** An error as it travels: code, message and optional SQL position. */
public record ErrorInfo(String code, String message, int position) {

    public static ErrorInfo of(MallardException e) {
        return new ErrorInfo(e.code().name(), e.getMessage(), e.position().orElse(-1));
    }

    public MallardException toException() {
        ErrorCode parsed;
        try {
            parsed = ErrorCode.valueOf(code);
        } catch (IllegalArgumentException | NullPointerException e) {
            parsed = ErrorCode.INTERNAL_ERROR;
        }
        return new MallardException(parsed, message, position, null);
    }
}
