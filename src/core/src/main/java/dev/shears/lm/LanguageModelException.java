package dev.shears.lm;

import dev.shears.error.ErrorType;

/**
 * A failure of a {@link LanguageModel}, classified by {@link Kind}; each kind answers with one
 * {@link ErrorType} of the one error vocabulary.
 */
public class LanguageModelException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The input has more tokens than the model's context length. */
        CONTEXT_TOO_LONG,
        /** Nothing to score or generate from. */
        EMPTY_INPUT,
        /** The request is well-formed, but not for this model/server (e.g. no prompt log-probs). */
        UNSUPPORTED_MODE,
        /** Request values out of range or inconsistent (client-supplied log-probs...). */
        INVALID_INPUT,
        /** The model files are missing or unusable. */
        MODEL_LOAD_FAILED,
        /** The inference engine failed while running. */
        INFERENCE_FAILED,
        /** A remote server could not be reached. */
        UPSTREAM_UNAVAILABLE,
        /** A remote server did not answer in time. */
        UPSTREAM_TIMEOUT,
        /** A remote server answered with an error or something that cannot be parsed. */
        UPSTREAM_BAD_RESPONSE;

        /** Client mistakes are 400s, remote failures 502/504, an unloadable model 503; only an engine failure is a 500. */
        public ErrorType errorType() {
            return switch (this) {
                case CONTEXT_TOO_LONG, EMPTY_INPUT, INVALID_INPUT, UNSUPPORTED_MODE -> ErrorType.INVALID_REQUEST;
                case MODEL_LOAD_FAILED -> ErrorType.MODEL_UNAVAILABLE;
                case INFERENCE_FAILED -> ErrorType.INTERNAL;
                case UPSTREAM_UNAVAILABLE, UPSTREAM_BAD_RESPONSE -> ErrorType.UPSTREAM_ERROR;
                case UPSTREAM_TIMEOUT -> ErrorType.TIMEOUT;
            };
        }
    }

    private final Kind kind;

    public LanguageModelException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LanguageModelException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "LanguageModelException[" + kind + "]: " + getMessage();
    }
}
