package io.mallard.coordinator.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Map;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.junit.jupiter.api.Test;

/** Mallard's own options of Flight SQL's bulk ingest command. */
class IngestCommandTest {
    @Test
    void theExpectedRowCountIsReadAndAnythingButACountIsRefused() {
        assertThat(IngestCommand.options(command(Map.of())).expectedRows()).isEqualTo(-1);
        assertThat(IngestCommand.options(command(Map.of("expected_rows", "10000000"))).expectedRows())
                .isEqualTo(10_000_000);
        assertThat(IngestCommand.options(command(Map.of("EXPECTED_ROWS", " 0 "))).expectedRows()).isZero();
        for (String bad : new String[] {"many", "-3", "1e6", ""}) {
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> IngestCommand.options(command(Map.of("expected_rows", bad))));
            assertThat(e.code()).as(bad).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).as(bad).isEqualTo("bulk ingest: expected_rows is a count of rows (0 or more), "
                    + "not " + bad);
        }
        MallardException unknown = catchThrowableOfType(MallardException.class,
                () -> IngestCommand.options(command(Map.of("rows", "5"))));
        assertThat(unknown.getMessage()).isEqualTo("bulk ingest: unknown ingest option rows (Mallard's: partition_by, "
                + "expected_rows)");
    }

    private static CommandStatementIngest command(Map<String, String> options) {
        return CommandStatementIngest.newBuilder().setTable("events").setTableDefinitionOptions(TableDefinitionOptions
                .newBuilder().setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_APPEND)).putAllOptions(options)
                .build();
    }
}
