package io.mallard.planner.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each name of {@link ClientFunctions}'s table is a function of the pinned DuckDB, of the kind the table says. */
class ClientFunctionsTest {
    static Stream<String> tableFunctions() {
        return Stream.of(ClientFunctions.ROW_GENERATORS, ClientFunctions.SQL_IN_TEXT, ClientFunctions.SERVER_FACTS).flatMap(Set::stream);
    }

    @ParameterizedTest
    @MethodSource("tableFunctions")
    void isATableFunctionOfThePinnedDuckDb(String name) throws Exception {
        assertThat(kinds(name)).as(name).contains("table");
    }

    @ParameterizedTest
    @MethodSource("settings")
    void readsSettingsInThePinnedDuckDb(String name) throws Exception {
        assertThat(kinds(name)).as(name).isNotEmpty();
    }

    static Stream<String> settings() {
        return ClientFunctions.SETTINGS.stream();
    }

    private static Set<String> kinds(String name) throws Exception {
        Set<String> kinds = new HashSet<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = connection.prepareStatement(
                        "SELECT DISTINCT function_type FROM duckdb_functions() WHERE function_name = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    kinds.add(rs.getString(1));
                }
            }
        }
        return kinds;
    }
}
