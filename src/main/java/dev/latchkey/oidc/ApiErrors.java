package dev.latchkey.oidc;

import dev.latchkey.http.ApiError;

/** The answers of social login that more than one class gives. */
final class ApiErrors {
    private ApiErrors() {
    }

    static ApiError providerNotFound() {
        return ApiError.notFound("Identity provider");
    }
}
