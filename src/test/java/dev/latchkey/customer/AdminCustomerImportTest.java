package dev.latchkey.customer;

import com.fasterxml.jackson.databind.JsonNode;
import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdminCustomerImportTest extends ApiTest {
    private static final String PASSWORD = "old shop purple tandem";

    private Api.Res create(Fixtures.Tenant tenant, Map<String, Object> fields) {
        return api.post("/v1/admin/customers").bearer(tenant.sk()).body(fields).send();
    }

    private Api.Res importHash(Fixtures.Tenant tenant, String email, String hash) {
        return create(tenant, Map.of("email", email, "password_hash", hash));
    }

    private Api.Res login(Fixtures.Tenant tenant, String email, String password) {
        return api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", password)).send();
    }

    private String storedHash(Fixtures.Tenant tenant, String customerId) {
        return server.app.database().read(h -> h.createQuery(
                        "SELECT password_hash FROM customers WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenant.id()).bind("id", customerId).mapTo(String.class).one());
    }

    private JsonNode events(Fixtures.Tenant tenant, String customerId, String type) {
        return AuditEvents.of(api, tenant, customerId, type);
    }

    private void expectFieldError(Api.Res res, String field, String code) {
        res.expect(422, "validation_failed");
        assertThat(res.body().path("errors").findValuesAsText("field")).contains(field);
        assertThat(res.body().path("errors").findValuesAsText("code")).contains(code);
    }

    @Test
    void importWhenBcryptHashThenLoginWorksAndUpgradesTheHashOnce() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        String bcrypt = BcryptFunction.getInstance(Bcrypt.B, 4).hash(PASSWORD).getResult();
        var created = create(tenant, Map.of("email", email, "password_hash", bcrypt, "first_name", "Ada",
                "email_verified", true)).expect(201);
        String id = created.str("id");
        assertThat(created.body().path("email_verified").asBoolean()).isTrue();
        assertThat(created.str("status")).isEqualTo("active");
        assertThat(created.raw()).doesNotContain("$2b$");
        assertThat(storedHash(tenant, id)).isEqualTo(bcrypt);

        login(tenant, email, "wrong " + PASSWORD).expect(401, "invalid_credentials");
        assertThat(storedHash(tenant, id)).isEqualTo(bcrypt);
        login(tenant, email, PASSWORD).expect(200);
        String upgraded = storedHash(tenant, id);
        assertThat(upgraded).startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
        login(tenant, email, PASSWORD).expect(200);
        assertThat(storedHash(tenant, id)).isEqualTo(upgraded);

        JsonNode rehashed = events(tenant, id, "password.rehashed");
        assertThat(rehashed).hasSize(1);
        assertThat(rehashed.get(0).path("data").path("from").asText()).isEqualTo("bcrypt");
        assertThat(events(tenant, id, "customer.created").get(0).path("data").path("imported_hash").asText())
                .isEqualTo("bcrypt");
    }

    @Test
    void importWhenPhpAndOpenwallBcryptVariantsThenTheyVerify() {
        var tenant = Fixtures.tenant(api);
        String php = "$2y$" + BcryptFunction.getInstance(Bcrypt.B, 5).hash(PASSWORD).getResult().substring(4);
        String phpEmail = Fixtures.uniqueEmail();
        importHash(tenant, phpEmail, php).expect(201);
        login(tenant, phpEmail, PASSWORD).expect(200);
        String openwallEmail = Fixtures.uniqueEmail();
        importHash(tenant, openwallEmail, "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW").expect(201);
        login(tenant, openwallEmail, "U*U").expect(200);
    }

    @Test
    void importWhenArgon2DigestAsShortAsRfc9106AllowsThenItVerifies() {
        var tenant = Fixtures.tenant(api);
        // argon2id of "U*U password" with hash_len 4 and 8, as argon2-cffi (the reference implementation) writes them
        for (String hash : List.of("$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$BfPSnw",
                "$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$YL4LZuE+glQ")) {
            String email = Fixtures.uniqueEmail();
            importHash(tenant, email, hash).expect(201);
            login(tenant, email, "U*U passworD").expect(401, "invalid_credentials");
            login(tenant, email, "U*U password").expect(200);
        }
    }

    @Test
    void importWhenArgon2HashOfOtherParametersThenVerifiedAndUpgraded() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        String id = importHash(tenant, email,
                "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG").expect(201).str("id");
        login(tenant, email, "password").expect(200);
        assertThat(storedHash(tenant, id)).startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
        assertThat(events(tenant, id, "password.rehashed").get(0).path("data").path("from").asText())
                .isEqualTo("argon2");
    }

    @Test
    void importWhenArgon2idWithCurrentParametersThenKeptAsItIs() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        String current = Argon2Function.getInstance(1024, 1, 1, 32, Argon2.ID).hash(PASSWORD).getResult();
        String id = importHash(tenant, email, current).expect(201).str("id");
        login(tenant, email, PASSWORD).expect(200);
        assertThat(storedHash(tenant, id)).isEqualTo(current);
        assertThat(events(tenant, id, "password.rehashed")).isEmpty();
    }

    @Test
    void importWhenHashFormatUnknownThen422AndNothingStored() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        for (String hash : new String[] {"5f4dcc3b5aa765d61d8327deb882cf99", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
                "$pbkdf2-sha256$29000$N2YuJWmw$5tQ2Vc5Jn1b8w3b4Zl2o8F4b1Qk7Yp3d1s6c5b4a3Zq",
                "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                // malformed rather than costly: the salt, then the digest, is not base64
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxx$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObGx"}) {
            expectFieldError(importHash(tenant, email, hash), "password_hash", "unsupported_hash_format");
        }
        expectFieldError(importHash(tenant, email, "$2b$15$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
                "password_hash", "out_of_range");
        importHash(tenant, email, "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW").expect(201);
    }

    @Test
    void importWhenCostOfPhpOrRfc9106DefaultsThenAcceptedAndLoginWorks() {
        var tenant = Fixtures.tenant(api);
        for (String hash : new String[] {
                Argon2Function.getInstance(65536, 4, 1, 32, Argon2.ID).hash(PASSWORD).getResult(),
                Argon2Function.getInstance(65536, 3, 4, 32, Argon2.ID).hash(PASSWORD).getResult(),
                BcryptFunction.getInstance(Bcrypt.B, 12).hash(PASSWORD).getResult()}) {
            String email = Fixtures.uniqueEmail();
            importHash(tenant, email, hash).expect(201);
            login(tenant, email, PASSWORD).expect(200);
        }
    }

    @Test
    void importWhenCostALoginCannotAffordThenOutOfRangeAndNothingStored() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        for (String hash : new String[] {
                "$argon2id$v=19$m=262144,t=16,p=16$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$argon2id$v=19$m=131072,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$argon2id$v=19$m=65536,t=5,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$argon2id$v=19$m=65536,t=3,p=16$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$2b$13$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2b$14$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"}) {
            expectFieldError(importHash(tenant, email, hash), "password_hash", "out_of_range");
        }
        login(tenant, email, PASSWORD).expect(401, "invalid_credentials");
    }

    @Test
    void createWhenPasswordGivenThenPolicyAppliesAndLoginWorks() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        expectFieldError(create(tenant, Map.of("email", email, "password", "football")), "password", "too_common");
        expectFieldError(create(tenant, Map.of("email", email, "password", "purple-Quentin-tandem",
                "first_name", "Quentin")), "password", "contains_personal_info");
        var created = create(tenant, Map.of("email", email, "password", PASSWORD, "status", "on_hold")).expect(201);
        assertThat(created.str("status")).isEqualTo("on_hold");
        login(tenant, email, PASSWORD).expect(403, "account_on_hold");
    }

    @Test
    void createWhenBothPasswordFormsThen422() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        expectFieldError(create(tenant, Map.of("email", email, "password", PASSWORD,
                "password_hash", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")), "password_hash", "invalid");
    }

    @Test
    void createWhenFieldsInvalidThen422ListingEach() {
        var tenant = Fixtures.tenant(api);
        Map<String, Object> body = new HashMap<>();
        body.put("email", "not-an-email");
        body.put("password", 12345);
        body.put("status", "banned");
        body.put("email_verified", "yes");
        body.put("id", "cus_mine");
        body.put("phone", "call me maybe");
        var res = create(tenant, body).expect(422, "validation_failed");
        assertThat(res.body().path("errors").findValuesAsText("field"))
                .contains("email", "password", "status", "email_verified", "id", "phone");
        expectFieldError(create(tenant, Map.of("email", Fixtures.uniqueEmail(), "password_hash", "x".repeat(513))),
                "password_hash", "too_long");
    }

    @Test
    void createWhenEmailTakenInAnyCaseThenConflict() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        create(tenant, Map.of("email", "  " + shopper.email().toUpperCase() + " ", "password", PASSWORD))
                .expect(409, "email_taken");
        var other = Fixtures.tenant(api);
        create(other, Map.of("email", shopper.email(), "password", PASSWORD)).expect(201);
    }

    @Test
    void createWhenBodyMalformedThen400() {
        var tenant = Fixtures.tenant(api);
        api.post("/v1/admin/customers").bearer(tenant.sk()).body("{\"email\": ").send().expect(400, "malformed_json");
        api.post("/v1/admin/customers").bearer(tenant.sk()).body("[1]").send().expect(400, "malformed_json");
    }

    @Test
    void createWhenNotTheSecretKeyThenRefused() {
        var tenant = Fixtures.tenant(api);
        var body = Map.<String, Object>of("email", Fixtures.uniqueEmail(), "password", PASSWORD);
        api.post("/v1/admin/customers").bearer(tenant.pk()).body(body).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/customers").key(tenant.sk()).body(body).send().expect(401, "invalid_api_key");
        api.post("/v1/admin/customers").bearer("sk_" + "0".repeat(43)).body(body).send().expect(401, "invalid_api_key");
    }
}
