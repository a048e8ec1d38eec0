package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;

/** Builds the "not distributed yet: …" error that names the construct the planner cannot distribute correctly. */
final class NotDistributed {
    private NotDistributed() {
    }

    static MallardException because(String construct, JsonNode at) {
        int position = -1;
        if (at != null) {
            JsonNode location = at.path("query_location");
            if (location.canConvertToInt()) {
                position = location.asInt();
            }
        }
        return new MallardException(ErrorCode.NOT_DISTRIBUTED_YET, "not distributed yet: " + construct, position, null);
    }
}
