package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import java.util.List;

/**
 * A warning that comes with an answer: the app metadata of the first batch of a result stream (Flight), e.g. the edge
 * partitions a partial answer left out. One codec for the coordinator, the clients and the tests.
 *
 * @param code    what kind of warning ({@link #PARTIAL_RESULT})
 * @param message for people: what the answer lacks
 * @param missing the edge partitions the answer lacks ({@code readings@device-2})
 */
public record ResultWarning(String code, String message, List<String> missing) {
    /** The answer is over some edge partitions only; {@link #missing} lists the others. */
    public static final String PARTIAL_RESULT = "PARTIAL_RESULT";

    public ResultWarning {
        missing = missing == null ? List.of() : List.copyOf(missing);
    }

    /** A partial answer without the partitions {@code missing}. */
    public static ResultWarning partial(List<String> missing) {
        return new ResultWarning(PARTIAL_RESULT, "partial result: edge partitions offline, their rows are missing: "
                + String.join(", ", missing), missing);
    }

    public byte[] encode() {
        return Json.toBytes(this);
    }

    /** The warning of a batch's app metadata; PROTOCOL_ERROR when the bytes are not one. */
    public static ResultWarning decode(byte[] bytes) {
        try {
            ResultWarning warning = Json.fromBytes(bytes, ResultWarning.class);
            if (warning.code() == null || warning.message() == null) {
                throw new IllegalArgumentException("code and message are required");
            }
            return warning;
        } catch (RuntimeException e) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "not a result warning: " + e.getMessage(), e);
        }
    }
}
