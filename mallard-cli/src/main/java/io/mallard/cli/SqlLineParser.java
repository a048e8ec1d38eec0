package io.mallard.cli;

import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;

/** JLine's parser, told that a SQL statement goes on until a {@code ;} outside quotes and comments: multi-line input. */
final class SqlLineParser extends DefaultParser {
    SqlLineParser() {
        setEscapeChars(new char[0]); // backslashes are SQL text, not escapes
        setQuoteChars(new char[0]);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.ACCEPT_LINE && !line.isBlank() && !line.strip().startsWith(".")
                && StatementSplitter.incomplete(line)) {
            throw new EOFError(-1, -1, "the statement goes on until ;", ";");
        }
        return super.parse(line, cursor, context);
    }
}
