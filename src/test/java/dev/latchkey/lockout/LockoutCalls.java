package dev.latchkey.lockout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** What lockout tests do over HTTP: logins, failed ones, and the merchant's view of the lockout. */
final class LockoutCalls {
    static final String WRONG = "not the right password at all";

    private LockoutCalls() {
    }

    static Api.Res login(Api api, Fixtures.Shopper shopper, String password) {
        return api.post("/v1/auth/login").key(shopper.tenant().pk())
                .body(Map.of("email", shopper.email(), "password", password)).send();
    }

    static void fail(Api api, Fixtures.Shopper shopper, int times) {
        for (int i = 0; i < times; i++) {
            login(api, shopper, WRONG).expect(401, "invalid_credentials");
        }
    }

    /** {@code GET /v1/admin/customers/{id}/lockout}. */
    static JsonNode state(Api api, Fixtures.Shopper shopper) {
        return api.get("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(shopper.tenant().sk())
                .send().expect(200).body();
    }

    /** How long the current lock lasts: it starts with the failure that set it. */
    static Duration lockLength(JsonNode lockout) {
        return Duration.between(Instant.parse(lockout.path("last_failure_at").asText()),
                Instant.parse(lockout.path("locked_until").asText()));
    }
}
