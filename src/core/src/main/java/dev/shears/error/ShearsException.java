package dev.shears.error;

/** A request Shears refuses or cannot serve, with the {@link ErrorType} that decides its status. */
public class ShearsException extends RuntimeException {

    private final ErrorType type;

    public ShearsException(ErrorType type, String message) {
        super(message);
        this.type = type;
    }

    public ShearsException(ErrorType type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }

    public static ShearsException invalid(String message) {
        return new ShearsException(ErrorType.INVALID_REQUEST, message);
    }
}
