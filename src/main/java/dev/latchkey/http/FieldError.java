package dev.latchkey.http;

import java.util.List;

/** One reason a request field was refused: {@code code} is stable, {@code message} is for people. */
public record FieldError(String field, String code, String message) {
    /** The message of the first of {@code errors} about {@code field}; null when none is (a form shows it there). */
    public static String messageFor(List<FieldError> errors, String field) {
        return errors.stream().filter(e -> e.field().equals(field)).map(FieldError::message).findFirst().orElse(null);
    }
}
