package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** "Log in as customer": the merchant's short session as one of its customers, and what it may not do. */
class ImpersonationTest extends ApiTest {
    private static final Map<String, Object> ON = Map.of("staff_impersonation", true);

    private Api.Res start(String bearer, String customerId, Object body) {
        var call = api.post("/v1/admin/customers/" + customerId + "/impersonation").bearer(bearer);
        return (body == null ? call : call.body(body)).send();
    }

    /** The impersonation as a shopper the client can act as: the shop's key and the impersonation's token. */
    private static Fixtures.Shopper as(Fixtures.Shopper customer, JsonNode started) {
        return new Fixtures.Shopper(customer.tenant(), customer.email(), null, customer.customerId(),
                started.path("access_token").asText(), null, started.path("session_id").asText(), null);
    }

    private JsonNode session(Api.Res list, String sessionId) {
        for (JsonNode s : list.expect(200).body().path("data")) {
            if (s.path("id").asText().equals(sessionId)) {
                return s;
            }
        }
        throw new AssertionError("no session " + sessionId + " in " + list.raw());
    }

    private static List<String> ids(Api.Res list) {
        List<String> ids = new ArrayList<>();
        list.expect(200).body().path("data").forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    @Test
    void startWhenOwnerThenCustomerTokenListedMarkedAndAudited() {
        var shop = StaffFixtures.shop(api, ON);
        var customer = Fixtures.shopper(api, shop.tenant());
        String owner = StaffFixtures.ownerToken(api, shop);
        Instant before = server.clock.instant().minusSeconds(1);

        JsonNode started = start(owner, customer.customerId(), Map.of("reason", "  ticket 42 ")).expect(201).body();

        assertThat(started.path("access_token").asText()).startsWith("cust_");
        assertThat(started.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(started.path("expires_in").asLong()).isEqualTo(900);
        assertThat(Instant.parse(started.path("expires_at").asText())).isBetween(before.plusSeconds(900),
                server.clock.instant().plusSeconds(901));
        assertThat(started.path("customer_id").asText()).isEqualTo(customer.customerId());
        assertThat(started.path("impersonated_by").asText()).isEqualTo(shop.ownerId());
        assertThat(started.has("refresh_token")).isFalse();
        var staff = as(customer, started);
        assertThat(api.get("/v1/me").as(staff).send().expect(200).str("id")).isEqualTo(customer.customerId());
        JsonNode info = Tokens.introspect(api, shop.tenant(), staff.accessToken()).expect(200).body();
        assertThat(info.path("kind").asText()).isEqualTo("customer");
        assertThat(info.path("impersonated_by").asText()).isEqualTo("merchant");
        assertThat(Tokens.introspect(api, shop.tenant(), customer.accessToken()).expect(200).body()
                .path("impersonated_by").isNull()).isTrue();

        JsonNode own = session(api.get("/v1/me/sessions").as(customer).send(), staff.sessionId());
        assertThat(own.path("impersonated_by").asText()).isEqualTo("merchant");
        assertThat(own.path("kind").asText()).isEqualTo("customer");
        assertThat(own.path("ip").isNull()).isTrue();
        assertThat(session(api.get("/v1/me/sessions").as(customer).send(), customer.sessionId())
                .path("impersonated_by").isNull()).isTrue();
        assertThat(session(api.get("/v1/admin/customers/" + customer.customerId() + "/sessions")
                .bearer(shop.tenant().sk()).send(), staff.sessionId()).path("impersonated_by").asText())
                .isEqualTo(shop.ownerId());

        JsonNode event = AuditEvents.only(api, shop.tenant(), customer.customerId(), "customer.impersonation_started");
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(event.path("data").path("session_id").asText()).isEqualTo(staff.sessionId());
        assertThat(event.path("data").path("reason").asText()).isEqualTo("ticket 42");
        assertThat(event.path("data").path("expires_at").asText()).isEqualTo(started.path("expires_at").asText());
    }

    @Test
    void tokenWhenImpersonatingThenProfileAddressesCartsAndOrdersWorkRecordedAsTheStaffMember() {
        var shop = StaffFixtures.shop(api, ON);
        var customer = Fixtures.shopper(api, shop.tenant());
        var staff = as(customer, start(StaffFixtures.ownerToken(api, shop), customer.customerId(), null)
                .expect(201).body());

        api.patch("/v1/me").as(staff).body(Map.of("first_name", "Grace")).send().expect(200);
        String addressId = Fixtures.address(api, staff).path("id").asText();
        api.get("/v1/me/addresses/" + addressId).as(staff).send().expect(200);
        String cartId = api.post("/v1/carts").as(staff).send().expect(201).str("id");
        api.put("/v1/carts/" + cartId + "/items/SKU-1").as(staff).body(Map.of("quantity", 2)).send().expect(200);
        api.get("/v1/me/orders").as(staff).send().expect(200);

        assertThat(api.get("/v1/me").as(customer).send().expect(200).str("first_name")).isEqualTo("Grace");
        for (String type : List.of("customer.updated", "address.created")) {
            JsonNode event = AuditEvents.only(api, shop.tenant(), customer.customerId(), type);
            assertThat(event.path("data").path("by").asText()).as(type).isEqualTo("impersonation");
            assertThat(event.path("data").path("session_id").asText()).as(type).isEqualTo(staff.sessionId());
            assertThat(event.path("staff_id").asText()).as(type).isEqualTo(shop.ownerId());
        }
    }

    @Test
    void startWhenSecretKeyThenMarkedWithTheKeyAndItsEventsNameIt() {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);
        String keyId = null;
        for (JsonNode key : api.get("/v1/admin/api-keys").bearer(tenant.sk()).send().expect(200).body().path("data")) {
            if (key.path("kind").asText().equals("secret")) {
                keyId = key.path("id").asText();
            }
        }

        JsonNode started = start(tenant.sk(), customer.customerId(), Map.of()).expect(201).body();

        assertThat(started.path("impersonated_by").asText()).isEqualTo(keyId);
        var staff = as(customer, started);
        api.post("/v1/auth/logout").as(staff).send().expect(204);
        Tokens.assertRefused(api, tenant, staff.accessToken());
        JsonNode event = AuditEvents.only(api, tenant, customer.customerId(), "customer.impersonation_started");
        assertThat(event.path("api_key_id").asText()).isEqualTo(keyId);
        assertThat(event.path("data").has("reason")).isFalse();
        JsonNode logout = AuditEvents.only(api, tenant, customer.customerId(), "session.revoked");
        assertThat(logout.path("data").path("reason").asText()).isEqualTo("logout");
        assertThat(logout.path("api_key_id").asText()).isEqualTo(keyId);
    }

    @Test
    void startWhenSettingOffThen403AndNoSessionNorEvent() {
        var shop = StaffFixtures.shop(api);
        var customer = Fixtures.shopper(api, shop.tenant());
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("staff_impersonation").asBoolean(true)).isFalse();

        start(StaffFixtures.ownerToken(api, shop), customer.customerId(), null).expect(403, "impersonation_disabled");
        start(shop.tenant().sk(), customer.customerId(), null).expect(403, "impersonation_disabled");

        assertThat(ids(api.get("/v1/me/sessions").as(customer).send())).containsExactly(customer.sessionId());
        assertThat(AuditEvents.of(api, shop.tenant(), customer.customerId(), "customer.impersonation_started"))
                .isEmpty();
        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("staff_impersonation", "yes")).send()
                .expect(422, "validation_failed");
    }

    @Test
    void startWhenPermissionMissingThen403InsufficientScope() {
        var shop = StaffFixtures.shop(api, ON);
        var customer = Fixtures.shopper(api, shop.tenant());
        String reader = api.post("/v1/admin/api-keys").bearer(shop.tenant().sk()).body(Map.of("kind", "secret",
                "name", "reader", "scopes", List.of("view_customers", "revoke_sessions"))).send().expect(201)
                .str("key");
        String scoped = api.post("/v1/admin/api-keys").bearer(shop.tenant().sk()).body(Map.of("kind", "secret",
                "name", "support desk", "scopes", List.of("impersonate_customers"))).send().expect(201).str("key");

        start(StaffFixtures.supportToken(api, shop), customer.customerId(), null).expect(403, "insufficient_scope");
        start(reader, customer.customerId(), null).expect(403, "insufficient_scope");

        assertThat(ids(api.get("/v1/me/sessions").as(customer).send())).containsExactly(customer.sessionId());
        start(scoped, customer.customerId(), null).expect(201);
    }

    @Test
    void startWhenCustomerInactiveUnknownOrAnotherShopsThenRefused() {
        var tenant = Fixtures.tenant(api, ON);
        var other = Fixtures.tenant(api, ON);
        var stranger = Fixtures.shopper(api, other);
        for (var state : Map.of("on_hold", "account_on_hold", "disabled", "account_disabled").entrySet()) {
            var customer = Fixtures.shopper(api, tenant);
            api.patch("/v1/admin/customers/" + customer.customerId()).bearer(tenant.sk())
                    .body(Map.of("status", state.getKey())).send().expect(200);
            start(tenant.sk(), customer.customerId(), null).expect(409, state.getValue());
        }
        var pending = Fixtures.tenant(api, Map.of("staff_impersonation", true, "require_activation", true));
        String waiting = api.post("/v1/customers").key(pending.pk()).body(Map.of("email", Fixtures.uniqueEmail(),
                "password", Fixtures.PASSWORD)).send().expect(201).body().path("customer").path("id").asText();
        start(pending.sk(), waiting, null).expect(409, "account_pending_activation");

        start(tenant.sk(), stranger.customerId(), null).expect(404, "not_found");
        start(tenant.sk(), "cus_unknown", null).expect(404, "not_found");
        assertThat(ids(api.get("/v1/me/sessions").as(stranger).send())).containsExactly(stranger.sessionId());
    }

    @Test
    void startWhenBodyBadThen4xxAndNoSession() {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);

        api.post("/v1/admin/customers/" + customer.customerId() + "/impersonation").bearer(tenant.sk())
                .body("{\"reason\":").send().expect(400, "malformed_json");
        Problems.assertInvalid(start(tenant.sk(), customer.customerId(), Map.of("reason", 42)), "reason",
                "invalid_type");
        Problems.assertInvalid(start(tenant.sk(), customer.customerId(), Map.of("reason", "x".repeat(201))),
                "reason", "too_long");

        assertThat(ids(api.get("/v1/me/sessions").as(customer).send())).containsExactly(customer.sessionId());
    }

    @Test
    void customersOwnRoutesWhenImpersonatingThen403AndNothingChanges() {
        var shop = StaffFixtures.shop(api, ON);
        var customer = Fixtures.shopper(api, shop.tenant());
        var staff = as(customer, start(shop.tenant().sk(), customer.customerId(), null).expect(201).body());
        String password = customer.password();
        List<Api.Call> refused = List.of(
                api.post("/v1/me/password").as(staff).body(Map.of("current_password", password,
                        "new_password", "another horse battery staple")),
                api.post("/v1/me/email").as(staff).body(Map.of("new_email", Fixtures.uniqueEmail(),
                        "password", password)),
                api.get("/v1/me/mfa").as(staff),
                api.post("/v1/me/mfa/totp").as(staff).body(Map.of("password", password)),
                api.post("/v1/me/mfa/disable").as(staff).body(Map.of("password", password, "code", "123456")),
                api.post("/v1/me/passkeys/options").as(staff).body(Map.of()),
                api.get("/v1/me/passkeys").as(staff),
                api.delete("/v1/me/passkeys/passkey_x").as(staff),
                api.get("/v1/me/identities").as(staff),
                api.delete("/v1/me/identities/ident_x").as(staff),
                api.post("/v1/me/agents").as(staff).body(Map.of("password", password, "name", "Helper",
                        "scope", List.of("cart:read"))),
                api.get("/v1/me/agents").as(staff),
                api.get("/v1/me/sessions").as(staff),
                api.delete("/v1/me/sessions").as(staff),
                api.delete("/v1/me/sessions/" + customer.sessionId()).as(staff),
                api.get("/v1/me/export").as(staff),
                api.delete("/v1/me").as(staff),
                api.post("/v1/auth/renew").as(staff),
                api.patch("/v1/me").as(staff).body(Map.of("accepts_marketing", true, "first_name", "Mallory")));
        for (Api.Call call : refused) {
            call.send().expect(403, "impersonation_forbidden");
        }

        JsonNode me = api.get("/v1/me").as(customer).send().expect(200).body();
        assertThat(me.path("email").asText()).isEqualTo(customer.email());
        assertThat(me.path("accepts_marketing").asBoolean()).isFalse();
        assertThat(me.path("first_name").asText()).isNotEqualTo("Mallory");
        Fixtures.login(api, shop.tenant(), customer.email(), password);
        assertThat(ids(api.get("/v1/me/sessions").as(customer).send())).contains(customer.sessionId(),
                staff.sessionId());
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).isEmpty();
        assertThat(api.get("/v1/me/mfa").as(customer).send().expect(200).body().path("enabled").asBoolean())
                .isFalse();
        assertThat(AuditEvents.types(api, shop.tenant(), customer.customerId())).doesNotContain("customer.updated",
                "password.changed", "email.change_requested", "agent.granted", "session.revoked",
                "customer.marketing_consent_requested");
        // the same body without the consent is the support's to send
        api.patch("/v1/me").as(staff).body(Map.of("first_name", "Grace")).send().expect(200);
    }

    @Test
    void tokenWhenFifteenMinutesPassThenRefusedAndNeverRenewed() {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);
        var staff = as(customer, start(tenant.sk(), customer.customerId(), null).expect(201).body());
        api.post("/v1/auth/renew").as(staff).send().expect(403, "impersonation_forbidden");

        server.clock.advance(Duration.ofSeconds(901));

        api.get("/v1/me").as(staff).send().expect(401, "invalid_token");
        assertThat(ids(api.get("/v1/me/sessions").as(customer).send())).doesNotContain(staff.sessionId());
    }

    @Test
    void sessionWhenTheCustomerEndsItThenTheTokenFailsOnTheNextRequest() {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);
        var one = as(customer, start(tenant.sk(), customer.customerId(), null).expect(201).body());
        var two = as(customer, start(tenant.sk(), customer.customerId(), null).expect(201).body());
        api.get("/v1/me").as(one).send().expect(200);

        api.delete("/v1/me/sessions/" + one.sessionId()).as(customer).send().expect(204);
        api.get("/v1/me").as(one).send().expect(401, "invalid_token");
        api.get("/v1/me").as(two).send().expect(200);

        api.delete("/v1/me/sessions").as(customer).send().expect(204);
        api.get("/v1/me").as(two).send().expect(401, "invalid_token");
        api.get("/v1/me").as(customer).send().expect(200);
    }
}
