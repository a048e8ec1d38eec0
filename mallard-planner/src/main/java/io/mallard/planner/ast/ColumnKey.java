package io.mallard.planner.ast;

import java.util.Locale;

/**
 * A column resolved to the table binding of a FROM clause that provides it: the binding's name (a table's alias or
 * name) and the column's name, both lower case, so that two references to the same column compare equal.
 */
public record ColumnKey(String binding, String column) {
    public ColumnKey {
        binding = binding.toLowerCase(Locale.ROOT);
        column = column.toLowerCase(Locale.ROOT);
    }

    /** Whether the column belongs to the binding of this name (case-insensitive). */
    public boolean belongsTo(String bindingName) {
        return binding.equalsIgnoreCase(bindingName);
    }

    @Override
    public String toString() {
        return binding + "." + column;
    }
}
