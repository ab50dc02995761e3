package dev.latchkey.testing;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The token calls that many tests make: introspect, refresh, renew, logout, and "is this token dead now". */
public final class Tokens {
    private Tokens() {
    }

    public static Api.Res introspect(Api api, Fixtures.Tenant tenant, String accessToken) {
        return api.get("/v1/auth/token").key(tenant.pk()).bearer(accessToken).send();
    }

    public static Api.Res refresh(Api api, Fixtures.Tenant tenant, String refreshToken) {
        return api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", refreshToken)).send();
    }

    public static Api.Res refreshAnonymous(Api api, Fixtures.Tenant tenant, String refreshToken) {
        return api.post("/v1/anonymous/refresh").key(tenant.pk()).body(Map.of("refresh_token", refreshToken)).send();
    }

    public static Api.Res anonymous(Api api, Fixtures.Tenant tenant) {
        return api.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
    }

    /** Asserts that the access token is refused as the contract says: 401 invalid_token with WWW-Authenticate. */
    public static void assertRefused(Api api, Fixtures.Tenant tenant, String accessToken) {
        var res = introspect(api, tenant, accessToken).expect(401, "invalid_token");
        assertThat(res.header("WWW-Authenticate"))
                .as("WWW-Authenticate of %s", res.raw()).isNotNull().contains("Bearer").contains("invalid_token");
    }
}
