package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.Problems.fieldErrors;
import static org.assertj.core.api.Assertions.assertThat;

class LoginTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

    private Api.Res login(Object body) {
        return api.post("/v1/auth/login").key(tenant.pk()).body(body).send();
    }

    @Test
    void loginWhenCredentialsRightThenAuthResultWithNewSession() {
        var res = login(Map.of("email", shopper.email(), "password", shopper.password())).expect(200);

        assertThat(res.str("access_token")).startsWith("cust_").isNotEqualTo(shopper.accessToken());
        assertThat(res.str("refresh_token")).startsWith("rt_").isNotEqualTo(shopper.refreshToken());
        assertThat(res.str("session_id")).startsWith("ses_").isNotEqualTo(shopper.sessionId());
        assertThat(res.str("token_type")).isEqualTo("Bearer");
        assertThat(res.body().path("expires_in").asLong()).isEqualTo(86400);
        assertThat(res.body().path("refresh_token_expires_in").asLong()).isEqualTo(2592000);
        assertThat(res.body().path("customer").path("id").asText()).isEqualTo(shopper.customerId());
        assertThat(res.body().path("cart_id").isNull()).isTrue();
        assertThat(res.header("Cache-Control")).contains("no-store");
        // a password login's record names the session and no method (the other ways of logging in name theirs)
        JsonNode recorded = AuditEvents.of(api, tenant, shopper.customerId(), "login.succeeded").get(0).path("data");
        assertThat(recorded.path("session_id").asText()).isEqualTo(res.str("session_id"));
        assertThat(recorded.has("method")).isFalse();
    }

    @Test
    void loginWhenTenantTtlsChangedThenExpiriesFollowThem() {
        var shortLived = Fixtures.tenant(api, Map.of("access_token_ttl", 600, "refresh_token_ttl", 7200));
        var s = Fixtures.shopper(api, shortLived);

        var res = api.post("/v1/auth/login").key(shortLived.pk())
                .body(Map.of("email", s.email(), "password", s.password())).send().expect(200);

        assertThat(res.body().path("expires_in").asLong()).isEqualTo(600);
        assertThat(res.body().path("refresh_token_expires_in").asLong()).isEqualTo(7200);
    }

    @Test
    void loginWhenEmailInOtherCaseOrPaddedThenAccepted() {
        login(Map.of("email", shopper.email().toUpperCase(), "password", shopper.password())).expect(200);
        login(Map.of("email", " " + shopper.email() + " ", "password", shopper.password())).expect(200);
    }

    @Test
    void loginWhenPasswordWrongOrEmailUnknownThenSameAnswer() {
        var wrongPassword = login(Map.of("email", shopper.email(), "password", "not the password"))
                .expect(401, "invalid_credentials");
        var unknownEmail = login(Map.of("email", Fixtures.uniqueEmail(), "password", shopper.password()))
                .expect(401, "invalid_credentials");

        assertThat(unknownEmail.str("detail")).isEqualTo(wrongPassword.str("detail"));
        assertThat(unknownEmail.str("title")).isEqualTo(wrongPassword.str("title"));
        assertThat(unknownEmail.str("type")).isEqualTo(wrongPassword.str("type"));
        assertThat(unknownEmail.body().size()).isEqualTo(wrongPassword.body().size());
    }

    @Test
    void loginTwiceAtOnceOnAnImportedHashThenBothSucceedThoughTheFirstRehashes() throws Exception {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        // a slow imported hash: the second login checks it while the first replaces it with Argon2id
        String imported = OpenBSDBCrypt.generate("2b", Fixtures.PASSWORD.toCharArray(), new byte[16], 12);
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", email, "password_hash", imported))
                .send().expect(201);
        Map<String, Object> body = Map.of("email", email, "password", Fixtures.PASSWORD);
        try (var pool = Executors.newFixedThreadPool(2)) {
            Future<Api.Res> first = pool.submit(() -> api.post("/v1/auth/login").key(tenant.pk()).body(body).send());
            Thread.sleep(100);
            Future<Api.Res> second = pool.submit(() -> api.post("/v1/auth/login").key(tenant.pk()).body(body).send());
            first.get().expect(200);
            second.get().expect(200);
        }
    }

    @Test
    void loginWhenPasswordDiffersOnlyInCaseThenRefused() {
        login(Map.of("email", shopper.email(), "password", shopper.password().toUpperCase()))
                .expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenAccountOfAnotherTenantThenInvalidCredentials() {
        var other = Fixtures.tenant(api);
        api.post("/v1/auth/login").key(other.pk()).body(Map.of("email", shopper.email(), "password", shopper.password()))
                .send().expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenFieldsMissingThenRequired() {
        var res = login(Map.of()).expect(422, "validation_failed");
        assertThat(fieldErrors(res)).contains("email:required", "password:required");

        assertInvalid(login(Map.of("email", shopper.email())), "password", "required");
        assertInvalid(login(Map.of("password", shopper.password())), "email", "required");
    }

    @Test
    void loginWhenFieldsHaveWrongTypesThenInvalidType() {
        assertInvalid(login(Map.of("email", 5, "password", shopper.password())), "email", "invalid_type");
        assertInvalid(login(Map.of("email", shopper.email(), "password", true)), "password", "invalid_type");
    }

    @Test
    void loginWhenApiKeyMissingThenInvalidApiKey() {
        api.post("/v1/auth/login").body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(401, "invalid_api_key");
    }

    @Test
    void loginWhenJsonMalformedThenBadRequest() {
        login("{\"email\": ").expect(400, "malformed_json");
    }
}
