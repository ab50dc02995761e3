package dev.latchkey.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccountDeletionTest extends ApiTest {
    private static final Map<String, Object> AT_ONCE = Map.of("deletion_requires_confirmation", false);

    @Test
    void settingWhenNotGivenThenConfirmationIsRequired() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);

        JsonNode settings = api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body();

        assertThat(settings.path("deletion_requires_confirmation").asBoolean()).isTrue();
    }

    @Test
    void settingWhenNotBooleanThenValidationFailed() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);

        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("deletion_requires_confirmation", "no"))
                .send().expect(422, "validation_failed");
        var changed = api.patch("/v1/admin/settings").bearer(tenant.sk()).body(AT_ONCE).send().expect(200).body();
        assertThat(changed.path("deletion_requires_confirmation").asBoolean()).isFalse();
    }

    @Test
    void deleteWhenConfirmationNotRequiredThenEverythingIsErasedAtOnce() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        Fixtures.Shopper laptop = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        String address = addressOf(shopper);
        api.post("/v1/me/addresses/" + address + "/default").as(shopper).body(Map.of("type", "both")).send().expect(200);
        api.get("/v1/me").as(laptop).send().expect(200);

        api.delete("/v1/me").as(shopper).send().expect(204);

        api.get("/v1/me").as(shopper).send().expect(401, "invalid_token");
        api.get("/v1/me").as(laptop).send().expect(401, "invalid_token");
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", laptop.refreshToken())).send()
                .expect(401, "invalid_token");
        api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(401, "invalid_credentials");
    }

    @Test
    void registerWhenEmailOfErasedAccountThenAFreshAccount() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Erased"));
        String address = addressOf(shopper);
        api.delete("/v1/me").as(shopper).send().expect(204);

        var again = api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", "another password entirely")).send().expect(201);
        Fixtures.Shopper reborn = new Fixtures.Shopper(tenant, shopper.email(), "another password entirely",
                again.body().path("customer").path("id").asText(), again.str("access_token"),
                again.str("refresh_token"), again.str("session_id"), again.body());

        assertThat(reborn.customerId()).isNotEqualTo(shopper.customerId());
        JsonNode me = api.get("/v1/me?expand=addresses").as(reborn).send().expect(200).body();
        assertThat(me.path("first_name").isNull()).isTrue();
        assertThat(me.path("default_shipping_address_id").isNull()).isTrue();
        assertThat(me.path("addresses")).isEmpty();
        api.get("/v1/me/addresses/" + address).as(reborn).send().expect(404, "not_found");
        JsonNode export = api.get("/v1/me/export").as(reborn).send().expect(200).body();
        assertThat(export.path("sessions").findValuesAsText("id")).containsExactly(reborn.sessionId());
    }

    @Test
    void deleteWhenConfirmationRequiredThenAcceptedAndNothingErased() {
        Fixtures.Shopper shopper = Fixtures.shopper(api, Fixtures.tenant(api));
        String address = addressOf(shopper);

        var res = api.delete("/v1/me").as(shopper).send().expect(202);

        assertThat(res.str("message")).isNotBlank();
        assertNothingErased(shopper, address);
    }

    @Test
    void deleteWhenWrongTokenThenRefusedAndNothingErased() {
        Fixtures.Shopper shopper = Fixtures.shopper(api, Fixtures.tenant(api));
        String address = addressOf(shopper);
        api.delete("/v1/me").as(shopper).send().expect(202);

        api.delete("/v1/me?token=del_0000000000000000000000000000000000000000000").as(shopper).send()
                .expect(400, "invalid_token");
        api.delete("/v1/me?token=").as(shopper).send().expect(400, "invalid_token");

        assertNothingErased(shopper, address);
    }

    @Test
    void deleteWhenWrongTokenAndNoConfirmationRequiredThenStillRefused() {
        Fixtures.Shopper shopper = Fixtures.shopper(api, Fixtures.tenant(api, AT_ONCE));
        String address = addressOf(shopper);

        api.delete("/v1/me?token=guess").as(shopper).send().expect(400, "invalid_token");

        assertNothingErased(shopper, address);
    }

    @Test
    void deleteWhenAnotherCustomerDeletesThenOnlyTheirAccountGoes() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper leaving = Fixtures.shopper(api, tenant);
        Fixtures.Shopper staying = Fixtures.shopper(api, tenant);
        String address = addressOf(staying);

        api.delete("/v1/me").as(leaving).send().expect(204);

        assertNothingErased(staying, address);
    }

    @Test
    void deleteWhenAnonymousOrWrongTenantThenRefused() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        String anon = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");

        api.delete("/v1/me").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
        api.delete("/v1/me").key(tenant.pk()).send().expect(401, "invalid_token");
        api.delete("/v1/me").key(Fixtures.tenant(api, AT_ONCE).pk()).bearer(shopper.accessToken()).send()
                .expect(401, "invalid_token");

        api.get("/v1/me").as(shopper).send().expect(200);
    }

    private String addressOf(Fixtures.Shopper shopper) {
        return Fixtures.address(api, shopper).path("id").asText();
    }

    private void assertNothingErased(Fixtures.Shopper shopper, String address) {
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).body().path("id").asText())
                .isEqualTo(shopper.customerId());
        api.get("/v1/me/addresses/" + address).as(shopper).send().expect(200);
        Fixtures.login(api, shopper.tenant(), shopper.email(), shopper.password());
        api.post("/v1/customers").key(shopper.tenant().pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(409, "email_taken");
    }
}
