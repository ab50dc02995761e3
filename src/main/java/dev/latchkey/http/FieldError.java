package dev.latchkey.http;

/** One reason a request field was refused: {@code code} is stable, {@code message} is for people. */
public record FieldError(String field, String code, String message) {
}
