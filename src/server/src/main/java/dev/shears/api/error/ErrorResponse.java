package dev.shears.api.error;

import dev.shears.error.ErrorType;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of every error: {@code {"error": "...", "error_type": "...", "status": 400}}. */
public record ErrorResponse(String error, @JsonProperty("error_type") String errorType, int status) {

    public static ErrorResponse of(ErrorType type, String message) {
        return new ErrorResponse(message, type.code(), type.status());
    }
}
