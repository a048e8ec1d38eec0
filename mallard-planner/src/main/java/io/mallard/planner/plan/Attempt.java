package io.mallard.planner.plan;

import java.util.function.Function;

/**
 * What a planning step returns: its result, or the {@link Refusal} that says why it does not apply. In the spirit of
 * Trino's {@code Rule.Result}: "not applicable" is a value the caller weighs; exceptions are kept for errors.
 */
public sealed interface Attempt<T> {
    /** The step produced {@code value}. */
    record Success<T>(T value) implements Attempt<T> {
    }

    /** The step does not apply, for {@code refusal}'s reason. */
    record Refused<T>(Refusal refusal) implements Attempt<T> {
    }

    static <T> Attempt<T> success(T value) {
        return new Success<>(value);
    }

    static <T> Attempt<T> refused(Refusal refusal) {
        return new Refused<>(refusal);
    }

    default boolean succeeded() {
        return this instanceof Success<T>;
    }

    /** The value; only after {@link #succeeded()}. */
    default T value() {
        if (this instanceof Success<T> success) {
            return success.value();
        }
        throw new IllegalStateException("refused: " + refusal().reason());
    }

    /** The refusal; only when the step did not succeed. */
    default Refusal refusal() {
        if (this instanceof Refused<T> refused) {
            return refused.refusal();
        }
        throw new IllegalStateException("the step succeeded");
    }

    /** The value transformed, or the same refusal. */
    default <U> Attempt<U> map(Function<? super T, ? extends U> f) {
        return succeeded() ? success(f.apply(value())) : refused(refusal());
    }

    /** The next step on the value, or the same refusal. */
    default <U> Attempt<U> then(Function<? super T, Attempt<U>> f) {
        return succeeded() ? f.apply(value()) : refused(refusal());
    }

    /** The value, or {@code other} when refused. */
    default T orElse(T other) {
        return succeeded() ? value() : other;
    }
}
