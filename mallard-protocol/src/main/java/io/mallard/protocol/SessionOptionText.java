package io.mallard.protocol;

import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueVisitor;

/** A Flight SQL session option's value as the text of a {@code SET}; null for an unset (void) value. */
public final class SessionOptionText implements SessionOptionValueVisitor<String> {
    private static final SessionOptionText INSTANCE = new SessionOptionText();

    private SessionOptionText() {
    }

    public static String of(SessionOptionValue value) {
        return value.acceptVisitor(INSTANCE);
    }

    @Override
    public String visit(String value) {
        return value;
    }

    @Override
    public String visit(boolean value) {
        return Boolean.toString(value);
    }

    @Override
    public String visit(long value) {
        return Long.toString(value);
    }

    @Override
    public String visit(double value) {
        return Double.toString(value);
    }

    @Override
    public String visit(String[] value) {
        return String.join(",", value);
    }

    @Override
    public String visit(Void value) {
        return null;
    }
}
