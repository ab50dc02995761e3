package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant's status changes: what they do to sessions and to login. */
class CustomerStatusTest extends ApiTest {
    private static final String WRONG = "not the password at all";

    private void assertSessionEnded(Fixtures.Shopper session) {
        Tokens.assertRefused(api, session.tenant(), session.accessToken());
        Tokens.refresh(api, session.tenant(), session.refreshToken()).expect(401, "invalid_token");
    }

    @Test
    void statusWhenOnHoldThenEverySessionEndsAndLoginAnswers403OnlyAfterTheRightPassword() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        var secondDevice = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        var bystander = Fixtures.shopper(api, tenant);
        Tokens.introspect(api, tenant, shopper.accessToken()).expect(200);

        var held = admin.patch(shopper.customerId(), Map.of("status", "on_hold")).expect(200);

        assertThat(held.str("status")).isEqualTo("on_hold");
        assertSessionEnded(shopper);
        assertSessionEnded(secondDevice);
        Tokens.introspect(api, tenant, bystander.accessToken()).expect(200);
        admin.login(shopper.email(), shopper.password()).expect(403, "account_on_hold");
        JsonNode refused = AuditEvents.of(api, tenant, shopper.customerId(), "login.failed").get(0).path("data");
        assertThat(refused.path("reason").asText()).isEqualTo("account_on_hold");
        assertThat(refused.has("method")).isFalse();
        admin.login(shopper.email(), WRONG).expect(401, "invalid_credentials");
        assertThat(api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(tenant.sk())
                .send().expect(200).body().path("data")).isEmpty();
        JsonNode event = admin.events(shopper.customerId(), "customer.status_changed").get(0).path("data");
        assertThat(event.path("from").asText()).isEqualTo("active");
        assertThat(event.path("to").asText()).isEqualTo("on_hold");
        assertThat(event.path("sessions_revoked").asInt()).isEqualTo(2);
        assertThat(event.path("by").asText()).isEqualTo("admin");
    }

    /**
     * One invalidation of the changed customer, published once after the commit, has every node forget their profile
     * and tokens: a status that ends sessions publishes no second and third one, as a bulk change publishes none.
     */
    @Test
    void statusWhenDisabledThenTheCustomerIsPublishedOnceAndTheirTokensFailAtOnce() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        List<Invalidation> published = Publications.of(server, tenant.id());
        api.get("/v1/me").as(shopper).send().expect(200);

        new AdminCalls(api, tenant).patch(shopper.customerId(), Map.of("status", "disabled", "note", "chargebacks"))
                .expect(200);

        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                shopper.customerId()));
        api.get("/v1/me").as(shopper).send().expect(401, "invalid_token");
        assertSessionEnded(shopper);
    }

    @Test
    void statusWhenDisabledThenSessionsEndAndLoginAnswersAccountDisabled() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);

        admin.patch(shopper.customerId(), Map.of("status", "disabled")).expect(200);

        assertSessionEnded(shopper);
        admin.login(shopper.email(), shopper.password()).expect(403, "account_disabled");
        admin.login(shopper.email(), WRONG).expect(401, "invalid_credentials");
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", shopper.email()))
                .send().expect(202);
    }

    @Test
    void statusWhenBackToActiveThenLoginWorksAgainButOldSessionsStayEnded() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        admin.patch(shopper.customerId(), Map.of("status", "on_hold")).expect(200);
        admin.patch(shopper.customerId(), Map.of("status", "disabled")).expect(200);

        admin.patch(shopper.customerId(), Map.of("status", "active")).expect(200);

        var again = admin.login(shopper.email(), shopper.password()).expect(200);
        Tokens.introspect(api, tenant, again.str("access_token")).expect(200);
        assertSessionEnded(shopper);
        assertThat(admin.events(shopper.customerId(), "customer.status_changed")).hasSize(3);
    }

    @Test
    void statusWhenUnchangedThenNothingIsWrittenOrEnded() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        long version = admin.get(shopper.customerId()).expect(200).body().path("version").asLong();

        var same = admin.patch(shopper.customerId(), Map.of("status", "active")).expect(200);

        assertThat(same.body().path("version").asLong()).isEqualTo(version);
        Tokens.introspect(api, tenant, shopper.accessToken()).expect(200);
        assertThat(admin.events(shopper.customerId(), "customer.status_changed")).isEmpty();
        assertThat(admin.events(shopper.customerId(), "customer.updated")).isEmpty();
    }

    @Test
    void activationWhenTenantRequiresItThenRegistrationWaitsUntilTheMerchantActivates() {
        var tenant = Fixtures.tenant(api, Map.of("require_activation", true));
        var admin = new AdminCalls(api, tenant);
        String email = Fixtures.uniqueEmail();

        var registered = api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", email, "password", Fixtures.PASSWORD)).send().expect(201);
        assertThat(registered.str("next_step")).isEqualTo("await_activation");
        assertThat(registered.str("access_token")).isNull();
        String id = registered.body().path("customer").path("id").asText();
        assertThat(registered.body().path("customer").path("status").asText()).isEqualTo("pending_activation");

        admin.login(email, Fixtures.PASSWORD).expect(403, "account_pending_activation");
        admin.login(email, WRONG).expect(401, "invalid_credentials");
        assertThat(admin.list("status=pending_activation").expect(200).body().path("data").get(0).path("id").asText())
                .isEqualTo(id);

        var activated = admin.patch(id, Map.of("status", "active")).expect(200);

        assertThat(activated.str("status")).isEqualTo("active");
        var session = admin.login(email, Fixtures.PASSWORD).expect(200);
        Tokens.introspect(api, tenant, session.str("access_token")).expect(200);
        assertThat(admin.list("status=pending_activation").expect(200).body().path("data")).isEmpty();
        JsonNode event = admin.events(id, "customer.status_changed").get(0).path("data");
        assertThat(event.path("from").asText()).isEqualTo("pending_activation");
        assertThat(event.path("sessions_revoked").asInt()).isZero();
    }

    @Test
    void statusWhenBackToPendingActivationThenSessionsEndToo() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);

        admin.patch(shopper.customerId(), Map.of("status", "pending_activation")).expect(200);

        assertSessionEnded(shopper);
        admin.login(shopper.email(), shopper.password()).expect(403, "account_pending_activation");
    }
}
