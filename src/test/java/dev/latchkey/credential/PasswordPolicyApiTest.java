package dev.latchkey.credential;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyApiTest extends ApiTest {
    private Api.Res register(Fixtures.Tenant tenant, String password, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("email", Fixtures.uniqueEmail(), "password", password));
        body.putAll(extra);
        return api.post("/v1/customers").key(tenant.pk()).body(body).send();
    }

    private void expectRefused(Api.Res res, String code) {
        res.expect(422, "validation_failed");
        assertThat(res.body().path("errors")).hasSize(1);
        assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("password");
        assertThat(res.body().path("errors").get(0).path("code").asText()).isEqualTo(code);
    }

    @Test
    void registerWhenShorterThanTenantMinimumThenTooShort() {
        var tenant = Fixtures.tenant(api, Map.of("password_min_length", 15));
        expectRefused(register(tenant, "purple tandem!", Map.of()), "too_short");
        register(tenant, "purple tandem!!", Map.of()).expect(201);
    }

    @Test
    void registerWhenOneOfTheMostCommonPasswordsThenTooCommon() {
        var tenant = Fixtures.tenant(api);
        expectRefused(register(tenant, "football", Map.of()), "too_common");
        expectRefused(register(tenant, "Trustno1", Map.of()), "too_common");
        expectRefused(register(tenant, "ｆｏｏｔｂａｌｌ", Map.of()), "too_common");
    }

    @Test
    void registerWhenPasswordContainsEmailLocalPartThenContainsPersonalInfo() {
        var tenant = Fixtures.tenant(api);
        var res = api.post("/v1/customers").key(tenant.pk()).body(Map.of(
                "email", "Marguerite.K" + System.nanoTime() % 1000 + "@example.com",
                "password", "MARGUERITE rides a purple tandem")).send();
        expectRefused(res, "contains_personal_info");
    }

    @Test
    void registerWhenPasswordContainsWholeEmailWithShortLocalPartThenContainsPersonalInfo() {
        var tenant = Fixtures.tenant(api);
        String email = "jo@a" + System.nanoTime() + ".example";
        var refused = api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", email, "password", email + "123456")).send();
        expectRefused(refused, "contains_personal_info");
        api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", email, "password", "jo rides a purple tandem")).send().expect(201);
    }

    @Test
    void registerWhenPasswordContainsFirstOrLastNameThenContainsPersonalInfo() {
        var tenant = Fixtures.tenant(api);
        expectRefused(register(tenant, "purple-bartholomew-tandem", Map.of("first_name", "Bartholomew")),
                "contains_personal_info");
        expectRefused(register(tenant, "tandem Oyelaran purple", Map.of("last_name", "Oyelaran")),
                "contains_personal_info");
        register(tenant, "purple ed tandem rides", Map.of("first_name", "Ed")).expect(201);
    }

    @Test
    void registerWhenScoreBelowTenantMinimumThenTooWeak() {
        expectRefused(register(Fixtures.tenant(api), "aaaaaaaaaaaa", Map.of()), "too_weak");
        var strict = Fixtures.tenant(api, Map.of("password_min_score", 3));
        expectRefused(register(strict, "summer2024!", Map.of()), "too_weak");
        register(strict, Fixtures.PASSWORD, Map.of()).expect(201);
        var lax = Fixtures.tenant(api, Map.of("password_min_score", 0));
        register(lax, "aaaaaaaaaaaa", Map.of()).expect(201);
    }

    @Test
    void registerWhenPasswordIsLongThenAcceptedUpTo1024Characters() {
        var tenant = Fixtures.tenant(api);
        String long256 = "a quiet purple tandem rides north ".repeat(8).substring(0, 256);
        var shopper = register(tenant, long256, Map.of()).expect(201);
        api.post("/v1/auth/login").key(tenant.pk()).body(Map.of(
                "email", shopper.body().path("customer").path("email").asText(), "password", long256))
                .send().expect(200);
        register(tenant, "x7!purple".repeat(120).substring(0, 1024), Map.of()).expect(201);
        expectRefused(register(tenant, "x7!purple".repeat(120).substring(0, 1025), Map.of()), "too_long");
    }

    @Test
    void loginWhenPasswordTypedInAnotherCompatibleFormThenNormalisedAndAccepted() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", email, "password", "Ｐｕｒｐｌｅ ﬁsh ｔａｎｄｅｍ")).send().expect(201);
        api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email, "password", "Purple fish tandem")).send().expect(200);
        api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email, "password", "purple fish tandem")).send().expect(401, "invalid_credentials");
    }

    @Test
    void settingsWhenPasswordMinScoreOutOfRangeThen422() {
        var tenant = Fixtures.tenant(api);
        assertThat(api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200)
                .body().path("password_min_score").asInt()).isEqualTo(1);
        var res = api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("password_min_score", 5)).send()
                .expect(422, "validation_failed");
        assertThat(res.body().path("errors").get(0).path("code").asText()).isEqualTo("out_of_range");
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("password_min_score", "4")).send()
                .expect(422, "validation_failed");
        assertThat(api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("password_min_score", 4)).send()
                .expect(200).body().path("password_min_score").asInt()).isEqualTo(4);
    }
}
