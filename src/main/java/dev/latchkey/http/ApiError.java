package dev.latchkey.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal with an HTTP status and a stable {@code code}. Services throw it; {@link ProblemResponder} turns it into
 * RFC 9457 problem+json. The codes named in the API contract are part of it.
 */
public final class ApiError extends RuntimeException {
    /** The challenge of a refused bearer credential (RFC 6750 3.1). */
    public static final String BEARER_INVALID_TOKEN = "Bearer error=\"invalid_token\"";

    private final int status;
    private final String code;
    private final List<FieldError> errors;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiError(int status, String code, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ApiError(int status, String code, String detail) {
        this(status, code, detail, List.of());
    }

    public static ApiError validation(List<FieldError> errors) {
        return new ApiError(422, "validation_failed", "One or more fields are invalid.", errors);
    }

    public static ApiError validation(String field, String code, String message) {
        return validation(List.of(new FieldError(field, code, message)));
    }

    /** The code of a request answered 503 because the database cannot be reached. */
    public static final String UNAVAILABLE = "unavailable";

    /** The database cannot be reached: nothing was done, and a retry after a few seconds may succeed. */
    public static ApiError databaseUnavailable() {
        return new ApiError(503, UNAVAILABLE, "The database cannot be reached; try again shortly.")
                .withHeader("Retry-After", "5");
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", what + " was not found.");
    }

    public static ApiError invalidToken() {
        return new ApiError(401, "invalid_token", "The access token is missing, unknown, expired or revoked.")
                .withHeader("WWW-Authenticate", BEARER_INVALID_TOKEN);
    }

    /** The refresh token in the body (not a Bearer token) is not one that can be rotated. */
    public static ApiError invalidRefreshToken() {
        return new ApiError(401, "invalid_token", "The refresh token is unknown, expired, used or revoked.")
                .withHeader("WWW-Authenticate", BEARER_INVALID_TOKEN);
    }

    /** A logged-in caller's current password, asked again before it is replaced, did not match. */
    public static ApiError wrongCurrentPassword() {
        return new ApiError(403, "invalid_credentials", "The current password is not correct.");
    }

    /** A valid bearer credential of the wrong kind or role, with the challenge RFC 6750 3.1 gives for it. */
    public static ApiError insufficientScope(String detail) {
        return new ApiError(403, "insufficient_scope", detail)
                .withHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
    }

    public ApiError withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
