package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;

/** Encodes and decodes {@link Message}s as JSON bytes, checking the expected type on the way in. */
public final class Codec {
    private Codec() {
    }

    public static byte[] encode(Message message) {
        return Json.toBytes(message);
    }

    public static Message decode(byte[] bytes) {
        Message message = Json.fromBytes(bytes, Message.class);
        if (message == null) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "expected a message but received null");
        }
        return message;
    }

    public static <T extends Message> T decode(byte[] bytes, Class<T> expected) {
        Message message = decode(bytes);
        if (!expected.isInstance(message)) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR,
                    "expected " + expected.getSimpleName() + " but received " + message.getClass().getSimpleName());
        }
        return expected.cast(message);
    }
}
