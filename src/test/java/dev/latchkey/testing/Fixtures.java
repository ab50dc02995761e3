package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.http.Json;
import dev.latchkey.tenant.SettingsValidator;
import dev.latchkey.tenant.TenantSettings;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Builders for what most tests start from: a tenant with its keys, a registered and logged-in shopper. */
public final class Fixtures {
    public static final String PASSWORD = "correct horse battery staple";

    private Fixtures() {
    }

    public record Tenant(String id, String pk, String sk, JsonNode settings) {
    }

    public record Shopper(Tenant tenant, String email, String password, String customerId, String accessToken,
                          String refreshToken, String sessionId, JsonNode authResult) {
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String uniqueEmail() {
        return "shopper-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    public static Tenant tenant(Api api) {
        return tenant(api, Map.of());
    }

    public static Tenant tenant(Api api, Map<String, Object> settings) {
        var res = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", uniqueId("t"), "name", "Test Shop", "settings", settings))
                .send().expect(201);
        return new Tenant(res.body().path("tenant").path("id").asText(), res.str("publishable_key"),
                res.str("secret_key"), res.body().path("tenant").path("settings"));
    }

    /** The operator sets the tenant's status ({@code suspended} or {@code active}); returns the Tenant answered. */
    public static JsonNode status(Api api, String tenantId, String status) {
        return api.patch("/v1/platform/tenants/" + tenantId).bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("status", status)).send().expect(200).body();
    }

    /** Tenant settings as a service sees them: the defaults with these changes, checked like a PATCH. */
    public static TenantSettings settings(Map<String, Object> changes) {
        var mapper = Json.mapper();
        return new SettingsValidator(mapper).apply(TenantSettings.DEFAULTS, mapper.valueToTree(changes), "");
    }

    public static Shopper shopper(Api api, Tenant tenant) {
        return shopper(api, tenant, Map.of());
    }

    public static Shopper shopper(Api api, Tenant tenant, Map<String, Object> extra) {
        String email = uniqueEmail();
        Map<String, Object> body = new HashMap<>(Map.of("email", email, "password", PASSWORD));
        body.putAll(extra);
        var res = api.post("/v1/customers").key(tenant.pk()).body(body).send().expect(201);
        return new Shopper(tenant, email, PASSWORD, res.body().path("customer").path("id").asText(),
                res.str("access_token"), res.str("refresh_token"), res.str("session_id"), res.body());
    }

    /**
     * A shopper whose address the merchant marked verified: mail to a verified address greets them by name (mail to an
     * unproven one never names them).
     */
    public static Shopper verifiedShopper(Api api, Tenant tenant, Map<String, Object> profile) {
        Shopper shopper = shopper(api, tenant, profile);
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email_verified", true)).send().expect(200);
        return shopper;
    }

    public static Shopper login(Api api, Tenant tenant, String email, String password) {
        var res = api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email, "password", password)).send().expect(200);
        return new Shopper(tenant, email, password, res.body().path("customer").path("id").asText(),
                res.str("access_token"), res.str("refresh_token"), res.str("session_id"), res.body());
    }

    /** A valid German address; {@code overrides} replace or add fields. Returns the created Address. */
    public static JsonNode address(Api api, Shopper shopper, Map<String, Object> overrides) {
        Map<String, Object> body = new HashMap<>(Map.of("first_name", "Ada", "last_name", "Lovelace",
                "line1", "Unter den Linden 1", "city", "Berlin", "postal_code", "10117", "country", "DE"));
        body.putAll(overrides);
        return api.post("/v1/me/addresses").as(shopper).body(body).send().expect(201).body();
    }

    public static JsonNode address(Api api, Shopper shopper) {
        return address(api, shopper, Map.of());
    }
}
