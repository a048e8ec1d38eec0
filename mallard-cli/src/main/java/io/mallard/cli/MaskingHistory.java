package io.mallard.cli;

import java.time.Instant;
import java.util.regex.Pattern;
import org.jline.reader.impl.history.DefaultHistory;

/** The prompt's history, with the password of {@code CREATE USER}/{@code ALTER USER} replaced by {@code '***'}. */
final class MaskingHistory extends DefaultHistory {
    /** A password literal, also an unterminated one (it runs to the end of the line). */
    private static final Pattern PASSWORD = Pattern.compile("(\\bPASSWORD\\s+)'(?:[^']|'')*'?",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    static String mask(String line) {
        return PASSWORD.matcher(line).replaceAll("$1'***'");
    }

    @Override
    public void add(Instant time, String line) {
        super.add(time, mask(line));
    }
}
