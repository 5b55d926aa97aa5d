package dev.shears.onnx;

/** A model could not be located, verified or opened. Always a start-up or configuration problem. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
