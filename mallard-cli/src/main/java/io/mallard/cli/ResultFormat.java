package io.mallard.cli;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;

/** How {@code mallard sql} prints results. */
enum ResultFormat {
    BOX, CSV, JSON, MARKDOWN, LINE;

    static ResultFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown format " + name + " (box, csv, json, markdown, line)");
        }
    }
}
