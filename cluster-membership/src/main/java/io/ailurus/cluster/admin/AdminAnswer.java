package io.ailurus.cluster.admin;

import java.util.Objects;
import java.util.function.Function;

/**
 * What an admin GET found: a body to send with 200, or an HTTP status and a message saying why there is none (sent as
 * {@code {"message": ...}}, the shape every route's errors have).
 */
public record AdminAnswer<T>(int status, T body, String message) {

    public AdminAnswer {
        if ((body == null) == (message == null)) {
            throw new IllegalArgumentException("an admin answer has either a body or a message");
        }
    }

    public static <T> AdminAnswer<T> found(final T body) {
        return new AdminAnswer<>(200, Objects.requireNonNull(body), null);
    }

    public static <T> AdminAnswer<T> notFound(final String message) {
        return new AdminAnswer<>(404, null, message);
    }

    /** The answer exists but cannot be given right now (503); asking again later may work. */
    public static <T> AdminAnswer<T> unavailable(final String message) {
        return new AdminAnswer<>(503, null, message);
    }

    public boolean hasBody() {
        return body != null;
    }

    /** The body turned into another answer; a missing body stays missing, with its status and message. */
    public <U> AdminAnswer<U> then(final Function<T, AdminAnswer<U>> next) {
        return body != null ? next.apply(body) : new AdminAnswer<>(status, null, message);
    }
}
