package dev.latchkey.admin;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call the admin routes: only the tenant's secret key. No key is 401, the publishable key and any other live
 * credential (a shopper's token, the platform token) 403, and another tenant's secret key finds none of this tenant's
 * ids (404) and changes nothing.
 */
class AdminAccessTest extends ApiTest {
    private record Route(String method, String path, Object body) {
        Api.Call call(Api api) {
            Api.Call call = api.method(method, path);
            return body == null ? call : call.body(body);
        }
    }

    /** A tenant with one customer holding a session, one extra secret key, one order and one webhook. */
    private record Owned(Fixtures.Tenant tenant, Fixtures.Shopper shopper, String keyId, String order,
                         String orderToken, String webhookId) {
    }

    private Owned owned() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        String keyId = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret"))
                .send().expect(201).str("id");
        String order = Fixtures.uniqueId("R");
        String orderToken = new AdminCalls(api, tenant).order(order, shopper.email(), null);
        String webhookId = api.post("/v1/admin/webhooks").bearer(tenant.sk())
                .body(Map.of("url", "http://127.0.0.1:9/hooks", "events", List.of("customer.deleted"))).send()
                .expect(201).str("id");
        return new Owned(tenant, shopper, keyId, order, orderToken, webhookId);
    }

    /** The routes that name something of the tenant. */
    private static List<Route> routesWithIds(Owned o) {
        String customer = "/v1/admin/customers/" + o.shopper().customerId();
        String webhook = "/v1/admin/webhooks/" + o.webhookId();
        return List.of(
                new Route("GET", customer, null),
                new Route("PATCH", customer, Map.of("first_name", "Mallory", "status", "disabled")),
                new Route("DELETE", customer, null),
                new Route("POST", customer + "/verification", Map.of()),
                new Route("POST", customer + "/password-reset", Map.of()),
                new Route("POST", customer + "/tags", Map.of("add", List.of("mallory"))),
                new Route("GET", customer + "/addresses", null),
                new Route("GET", customer + "?expand=addresses", null),
                new Route("GET", customer + "/sessions", null),
                new Route("DELETE", customer + "/sessions", null),
                new Route("DELETE", customer + "/sessions/" + o.shopper().sessionId(), null),
                new Route("GET", customer + "/lockout", null),
                new Route("DELETE", customer + "/lockout", null),
                new Route("DELETE", "/v1/admin/api-keys/" + o.keyId(), null),
                new Route("GET", "/v1/admin/orders/" + o.order(), null),
                new Route("PATCH", "/v1/admin/orders/" + o.order(), Map.of("status", "cancelled")),
                new Route("POST", "/v1/admin/orders/" + o.order() + "/token", null),
                new Route("GET", webhook, null),
                new Route("PATCH", webhook, Map.of("status", "disabled", "url", "http://127.0.0.1:10/elsewhere")),
                new Route("DELETE", webhook, null),
                new Route("POST", webhook + "/secret", null),
                new Route("GET", webhook + "/deliveries", null));
    }

    private static List<Route> everyRoute(Owned o) {
        List<Route> routes = new ArrayList<>(routesWithIds(o));
        routes.addAll(List.of(
                new Route("GET", "/v1/admin/customers", null),
                new Route("POST", "/v1/admin/customers", Map.of("email", Fixtures.uniqueEmail(),
                        "password", Fixtures.PASSWORD)),
                new Route("GET", "/v1/admin/api-keys", null),
                new Route("POST", "/v1/admin/api-keys", Map.of("kind", "secret")),
                new Route("GET", "/v1/admin/settings", null),
                new Route("PATCH", "/v1/admin/settings", Map.of("password_min_length", 12)),
                new Route("GET", "/v1/admin/audit", null),
                new Route("GET", "/v1/admin/orders", null),
                new Route("POST", "/v1/admin/orders", Map.of()),
                new Route("GET", "/v1/admin/mail-templates", null),
                new Route("GET", "/v1/admin/mail-templates/invitation/en", null),
                new Route("DELETE", "/v1/admin/mail-templates/invitation/en", null),
                new Route("GET", "/v1/admin/webhooks", null),
                new Route("POST", "/v1/admin/webhooks", Map.of("url", "http://127.0.0.1:9/hooks",
                        "events", List.of("*")))));
        return routes;
    }

    @Test
    void adminRoutesWhenNoKeyOrUnknownKeyThen401() {
        Owned o = owned();
        for (Route route : everyRoute(o)) {
            assertThat(route.call(api).send().expect(401, "invalid_api_key").header("WWW-Authenticate"))
                    .isEqualTo("Bearer error=\"invalid_token\"");
            route.call(api).bearer("sk_" + "x".repeat(43)).send().expect(401, "invalid_api_key");
            route.call(api).header("Authorization", "Basic " + o.tenant().sk()).send().expect(401, "invalid_api_key");
        }
        new Route("GET", "/v1/admin/customers", null).call(api).bearer("stf_" + "x".repeat(43)).send()
                .expect(401, "invalid_token");
        assertIntact(o);
    }

    @Test
    void adminRoutesWhenPublishableKeyThen403() {
        Owned o = owned();
        for (Route route : everyRoute(o)) {
            route.call(api).bearer(o.tenant().pk()).send().expect(403, "insufficient_scope");
        }
        assertIntact(o);
    }

    @Test
    void adminRoutesWhenShoppersLiveTokenThen403ButDeadOneIs401() {
        Owned o = owned();
        String guest = api.post("/v1/anonymous").key(o.tenant().pk()).send().expect(201).str("access_token");
        for (Route route : everyRoute(o)) {
            route.call(api).bearer(o.shopper().accessToken()).send().expect(403, "insufficient_scope");
            route.call(api).bearer(guest).send().expect(403, "insufficient_scope");
        }
        new Route("GET", "/v1/admin/customers", null).call(api).bearer("cust_" + "x".repeat(43)).send()
                .expect(401, "invalid_api_key");
        assertIntact(o);
    }

    /** A refresh token as Bearer is a setup mistake, not an expired session; once used it works nowhere. */
    @Test
    void adminRoutesWhenPlatformTokenOrLiveRefreshTokenThen403ButUsedRefreshTokenIs401() {
        Owned o = owned();
        for (Route route : everyRoute(o)) {
            route.call(api).bearer(TestServer.PLATFORM_TOKEN).send().expect(403, "insufficient_scope");
            route.call(api).bearer(o.shopper().refreshToken()).send().expect(403, "insufficient_scope");
        }
        var customers = new Route("GET", "/v1/admin/customers", null);
        String used = Fixtures.shopper(api, o.tenant()).refreshToken();
        Tokens.refresh(api, o.tenant(), used).expect(200);
        customers.call(api).bearer(used).send().expect(401, "invalid_api_key");
        customers.call(api).bearer("rt_" + "x".repeat(43)).send().expect(401, "invalid_api_key");
        customers.call(api).bearer(TestServer.PLATFORM_TOKEN + "x").send().expect(401, "invalid_api_key");
        assertIntact(o);
    }

    @Test
    void adminRoutesWhenAnotherTenantsSecretKeyThen404AndNothingChanges() {
        Owned o = owned();
        var other = Fixtures.tenant(api);
        for (Route route : routesWithIds(o)) {
            route.call(api).bearer(other.sk()).send().expect(404, "not_found");
        }
        assertThat(api.get("/v1/admin/customers").bearer(other.sk()).send().expect(200).body().path("data")).isEmpty();
        assertThat(api.get("/v1/admin/api-keys").bearer(other.sk()).send().expect(200).raw())
                .doesNotContain(o.keyId());
        assertIntact(o);
    }

    @Test
    void adminRoutesWhenTenantSuspendedThen403TenantSuspendedAndNothingChanges() {
        Owned o = owned();
        Fixtures.status(api, o.tenant().id(), "suspended");
        for (Route route : everyRoute(o)) {
            route.call(api).bearer(o.tenant().sk()).send().expect(403, "tenant_suspended");
        }
        Fixtures.status(api, o.tenant().id(), "active");
        assertIntact(o);
    }

    /** The customer, their session, the extra key and the order are all still as they were. */
    private void assertIntact(Owned o) {
        var customer = api.get("/v1/admin/customers/" + o.shopper().customerId()).bearer(o.tenant().sk())
                .send().expect(200);
        assertThat(customer.str("status")).isEqualTo("active");
        assertThat(customer.str("first_name")).isNull();
        Tokens.introspect(api, o.tenant(), o.shopper().accessToken()).expect(200);
        var keys = api.get("/v1/admin/api-keys").bearer(o.tenant().sk()).send().expect(200).body().path("data");
        keys.forEach(key -> assertThat(key.path("revoked_at").isNull()).as("key %s", key).isTrue());
        assertThat(api.get("/v1/admin/orders/" + o.order()).bearer(o.tenant().sk()).send().expect(200).str("status"))
                .isEqualTo("paid");
        api.get("/v1/orders/" + o.order()).key(o.tenant().pk()).header("X-Order-Token", o.orderToken()).send()
                .expect(200);
        assertThat(api.get("/v1/admin/audit?type=password.reset_sent").bearer(o.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
        var webhook = api.get("/v1/admin/webhooks/" + o.webhookId()).bearer(o.tenant().sk()).send().expect(200);
        assertThat(webhook.str("status")).isEqualTo("active");
        assertThat(webhook.str("url")).isEqualTo("http://127.0.0.1:9/hooks");
        assertThat(api.get("/v1/admin/audit?type=webhook.secret_rotated").bearer(o.tenant().sk()).send()
                .expect(200).body().path("data")).isEmpty();
    }
}
