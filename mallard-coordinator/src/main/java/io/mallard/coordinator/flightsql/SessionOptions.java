package io.mallard.coordinator.flightsql;

import io.mallard.common.MallardException;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.SessionOptionText;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsResult;

/**
 * Flight SQL session options: {@code mallard.distributed} and {@code mallard.summarize} (booleans or their text) and
 * {@code mallard.query_timeout} (a duration such as {@code 30s}) change the session's settings like
 * {@code SET mallard.… = …}; {@code catalog} and {@code schema} are accepted when they name
 * Mallard's own. Anything else is refused per option, the others still apply.
 */
final class SessionOptions {
    private SessionOptions() {
    }

    static SetSessionOptionsResult set(ClientSession session, Map<String, SessionOptionValue> options) {
        Map<String, SetSessionOptionsResult.Error> errors = new HashMap<>();
        options.forEach((name, value) -> {
            String text = SessionOptionText.of(value);
            if (name.equals("catalog") || name.equals("schema")) {
                if (text != null && !text.equals(CatalogMetadata.CATALOG) && !text.equals(CatalogMetadata.DATA_SCHEMA)
                        && !text.equals(SystemTables.SCHEMA)) {
                    errors.put(name, new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
                }
                return;
            }
            if (!name.equals(QuerySettings.DISTRIBUTED) && !name.equals(QuerySettings.SUMMARIZE)
                    && !name.equals(QuerySettings.QUERY_TIMEOUT) && !name.equals(QuerySettings.PARTIAL_RESULTS)) {
                errors.put(name, new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_NAME));
                return;
            }
            try {
                session.set(name, text == null ? "true" : text);
            } catch (MallardException e) {
                errors.put(name, new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
            }
        });
        return new SetSessionOptionsResult(errors);
    }

    static GetSessionOptionsResult get(ClientSession session) {
        QuerySettings settings = session.settings();
        Map<String, SessionOptionValue> options = new HashMap<>(Map.of(
                QuerySettings.DISTRIBUTED, SessionOptionValueFactory.makeSessionOptionValue(settings.distributed()),
                QuerySettings.SUMMARIZE, SessionOptionValueFactory.makeSessionOptionValue(settings.summarize()),
                "catalog", SessionOptionValueFactory.makeSessionOptionValue(CatalogMetadata.CATALOG)));
        options.put(QuerySettings.PARTIAL_RESULTS,
                SessionOptionValueFactory.makeSessionOptionValue(settings.partialResults() ? "allow" : "deny"));
        if (settings.queryTimeoutMillis() != QuerySettings.CLUSTER_DEFAULT) {
            options.put(QuerySettings.QUERY_TIMEOUT,
                    SessionOptionValueFactory.makeSessionOptionValue(settings.queryTimeoutMillis() + "ms"));
        }
        return new GetSessionOptionsResult(options);
    }
}
