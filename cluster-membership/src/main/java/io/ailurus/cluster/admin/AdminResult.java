package io.ailurus.cluster.admin;

/** The answer to an admin action: an HTTP status and a message for the operator. */
public record AdminResult(int status, String message) {

    public static AdminResult accepted(final String message) {
        return new AdminResult(202, message);
    }

    public static AdminResult rejected(final int status, final String message) {
        return new AdminResult(status, message);
    }
}
