package dev.shears.lm;

/** A failure of a {@link LanguageModel}, classified so callers can map it to a status code. */
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
        UPSTREAM_BAD_RESPONSE
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
