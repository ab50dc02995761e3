package dev.latchkey.testing;

import java.util.HashMap;
import java.util.Map;

/** Tenants created with a first owner, and staff logins: what staff and dashboard tests start from. */
public final class StaffFixtures {
    private StaffFixtures() {
    }

    /** A tenant, its owner's credentials and the owner's staff id. */
    public record Shop(Fixtures.Tenant tenant, String ownerEmail, String ownerPassword, String ownerId) {
        public String id() {
            return tenant.id();
        }
    }

    public static Shop shop(Api api) {
        return shop(api, Map.of());
    }

    public static Shop shop(Api api, Map<String, Object> settings) {
        String email = "owner-" + Fixtures.uniqueEmail();
        Map<String, Object> body = new HashMap<>(Map.of("id", Fixtures.uniqueId("t"), "name", "Staffed Shop",
                "settings", settings, "owner", Map.of("email", email, "password", Fixtures.PASSWORD)));
        var res = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN).body(body).send().expect(201);
        var tenant = new Fixtures.Tenant(res.body().path("tenant").path("id").asText(), res.str("publishable_key"),
                res.str("secret_key"), res.body().path("tenant").path("settings"));
        return new Shop(tenant, email, Fixtures.PASSWORD, res.body().path("owner").path("id").asText());
    }

    public static Api.Res login(Api api, String tenantId, String email, String password) {
        return api.post("/v1/admin/staff/login")
                .body(Map.of("tenant_id", tenantId, "email", email, "password", password)).send();
    }

    /** The owner's stf_ token. */
    public static String ownerToken(Api api, Shop shop) {
        return login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200).str("access_token");
    }

    /** Adds a staff member with this role (by the secret key) and returns their email; the password is Fixtures'. */
    public static String addStaff(Api api, Shop shop, String role) {
        String email = role + "-" + Fixtures.uniqueEmail();
        api.post("/v1/admin/staff").bearer(shop.tenant().sk())
                .body(Map.of("email", email, "password", Fixtures.PASSWORD, "role", role)).send().expect(201);
        return email;
    }

    /** A support member's stf_ token. */
    public static String supportToken(Api api, Shop shop) {
        return login(api, shop.id(), addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(200).str("access_token");
    }
}
