package io.mallard.coordinator.flightsql;

import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;

/**
 * What {@code GetSqlInfo} says about Mallard: a SQL server speaking DuckDB's dialect, with tables a client can create and
 * change (each statement commits on its own: no client transactions), bulk ingest and cancellation. JDBC tools read
 * these on connect (sqlline asks for the default transaction isolation; without an answer the driver throws).
 */
final class ServerSqlInfo {
    private ServerSqlInfo() {
    }

    static SqlInfoBuilder builder(String version) {
        return new SqlInfoBuilder()
                .withFlightSqlServerName("Mallard")
                .withFlightSqlServerVersion(version)
                .withFlightSqlServerArrowVersion("18.3.0")
                .withFlightSqlServerReadOnly(false)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withFlightSqlServerTransaction(FlightSql.SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
                .withFlightSqlServerCancel(true)
                .withFlightSqlServerBulkIngestion(true)
                .withFlightSqlServerBulkIngestionTransaction(false)
                .withSqlIdentifierQuoteChar("\"")
                .withSqlIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlQuotedIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlSchemaTerm("schema")
                .withSqlCatalogTerm("catalog")
                .withSqlDdlCatalog(false)
                .withSqlDdlSchema(false)
                .withSqlDdlTable(true)
                .withSqlAllTablesAreSelectable(true)
                .withSqlTransactionsSupported(false)
                .withSqlDefaultTransactionIsolation(java.sql.Connection.TRANSACTION_NONE)
                .withSqlSupportedTransactionsIsolationLevels(FlightSql.SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE)
                .withSqlDataDefinitionCausesTransactionCommit(true)
                .withSqlSupportsColumnAliasing(true)
                .withSqlNullPlusNullIsNull(true)
                .withSqlSupportsTableCorrelationNames(true)
                .withSqlSupportsExpressionsInOrderBy(true)
                .withSqlSupportsOrderByUnrelated(true)
                .withSqlSupportsLikeEscapeClause(true)
                .withSqlSupportedGroupBy(FlightSql.SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED)
                .withSqlOuterJoinSupportLevel(FlightSql.SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS)
                .withSqlNullOrdering(FlightSql.SqlNullOrdering.SQL_NULLS_SORTED_AT_END)
                .withSqlMaxColumnNameLength(0)
                .withSqlMaxStatementLength(0);
    }
}
