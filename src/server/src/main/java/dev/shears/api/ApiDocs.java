package dev.shears.api;

/** Descriptions shared by the OpenAPI annotations of the resources (annotation values must be constants). */
final class ApiDocs {

    private ApiDocs() {}

    static final String TOTAL_TIME_HEADER = "x-total-time";
    static final String TOTAL_TIME = "Milliseconds the request took in Shears (three decimals). Stages add their own"
            + " x-<stage>-time headers, as TEI reports them.";
    static final String INVALID_REQUEST = "Malformed JSON, an unknown field, or a field with a wrong type or value";
    static final String UNAUTHORIZED = "Missing or wrong API key (only when shears.auth.enabled=true); comes with"
            + " WWW-Authenticate: Bearer";
    static final String PAYLOAD_TOO_LARGE = "Request body over shears.limits.max-body-bytes";
    static final String OVERLOADED = "Too many requests in flight or queued; comes with Retry-After: 1";
    static final String INTERNAL = "Unexpected failure; the server log has the details";
    static final String MODEL_LOADING = "The model is still loading; retry when /q/health/ready is UP";
    static final String LOCAL_MODEL_UNAVAILABLE = "No local language model is configured (shears.lm.location),"
            + " or it is still loading";
    static final String TIMEOUT = "No result within shears.limits.request-timeout";
    static final String MODEL_NOT_SERVED = "The request's model names a model that is not served here";
}
