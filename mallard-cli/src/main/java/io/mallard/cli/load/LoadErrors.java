package io.mallard.cli.load;

import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors of reading a file, coded by DuckDB's kind and led by the file's name. DuckDB's message is kept up to its
 * first blank line: a CSV conversion error names the line and the column there ("CSV Error on Line: 3 … Error when
 * converting column "amount""); what follows is the sniffer's report of its settings.
 */
final class LoadErrors {
    /**
     * How Arrow's C Data bridge (18.3) words the error of a stream it reads: the only form DuckDB's error reaches Java in
     * while rows stream, as text ({@code ArrowArrayStream.getNext} keeps no cause).
     */
    private static final Pattern C_STREAM_ERROR = Pattern.compile(
            "^\\[errno -?\\d+\\] CDataJniException\\{errno=-?\\d+, message=(.*)\\}$", Pattern.DOTALL);

    private LoadErrors() {
    }

    static MallardException reading(Path file, SQLException e) {
        MallardException duck = DuckErrors.translate(e);
        return new MallardException(duck.code(), "reading " + file + ": " + firstParagraph(duck.getMessage()), e);
    }

    /** A failure of DuckDB's Arrow stream while it read {@code file}. */
    static MallardException reading(Path file, IOException e) {
        return reading(file, new SQLException(duckMessage(e.getMessage()), e));
    }

    /** DuckDB's own message inside the C Data bridge's wording, or the text as it is. */
    static String duckMessage(String text) {
        if (text == null) {
            return "";
        }
        Matcher m = C_STREAM_ERROR.matcher(text.strip());
        return m.matches() ? m.group(1).strip() : text;
    }

    private static String firstParagraph(String message) {
        int blank = message.indexOf("\n\n");
        return blank < 0 ? message.strip() : message.substring(0, blank).strip();
    }
}
