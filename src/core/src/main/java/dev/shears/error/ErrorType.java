package dev.shears.error;

/** The one error vocabulary: every error body carries one of these, and this table alone maps them to HTTP. */
public enum ErrorType {
    INVALID_REQUEST(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    /** The request body did not arrive within {@code shears.limits.body-timeout}. */
    REQUEST_TIMEOUT(408),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    OVERLOADED(429),
    INTERNAL(500),
    /** A remote model server failed or answered something unusable. */
    UPSTREAM_ERROR(502),
    MODEL_UNAVAILABLE(503),
    TIMEOUT(504);

    private final int status;

    ErrorType(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Wire name: {@code invalid_request}, {@code payload_too_large}, ... */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
