package dev.shears.inference;

/** A model call failed at request time (ONNX Runtime error or a non-finite output). */
public class InferenceException extends RuntimeException {
    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
