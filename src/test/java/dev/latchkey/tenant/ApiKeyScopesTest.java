package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.auth.Permission;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Secret keys that hold only some admin permissions (least privilege), and the keys that hold them all. */
class ApiKeyScopesTest extends ApiTest {
    private static final List<String> EVERY_SCOPE = Arrays.stream(Permission.values()).map(Permission::wire).toList();

    /**
     * One admin request for each permission, harmless when it passes the scope check (a read, or an id that does not
     * exist): a new permission without a request here fails {@link #everyPermissionHasARequestHere}.
     */
    private static final Map<Permission, Function<Api, Api.Call>> REQUESTS = new EnumMap<>(Map.ofEntries(
            Map.entry(Permission.VIEW_CUSTOMERS, api -> api.get("/v1/admin/orders")),
            Map.entry(Permission.EDIT_CUSTOMERS, api -> api.patch("/v1/admin/customers/cus_none").body(Map.of())),
            Map.entry(Permission.DELETE_CUSTOMERS, api -> api.delete("/v1/admin/customers/cus_none")),
            Map.entry(Permission.EXPORT_CUSTOMERS, api -> api.get("/v1/admin/customers/cus_none/export")),
            Map.entry(Permission.RESET_LOCKOUTS, api -> api.delete("/v1/admin/customers/cus_none/lockout")),
            Map.entry(Permission.RESET_MFA, api -> api.delete("/v1/admin/customers/cus_none/mfa")),
            Map.entry(Permission.REVOKE_SESSIONS, api -> api.delete("/v1/admin/customers/cus_none/sessions")),
            Map.entry(Permission.RESEND_VERIFICATION,
                    api -> api.post("/v1/admin/customers/cus_none/verification").body(Map.of())),
            Map.entry(Permission.SEND_PASSWORD_RESET,
                    api -> api.post("/v1/admin/customers/cus_none/password-reset").body(Map.of())),
            Map.entry(Permission.VIEW_AUDIT, api -> api.get("/v1/admin/audit")),
            Map.entry(Permission.MANAGE_SETTINGS, api -> api.get("/v1/admin/settings")),
            Map.entry(Permission.MANAGE_API_KEYS, api -> api.get("/v1/admin/api-keys")),
            Map.entry(Permission.MANAGE_STAFF, api -> api.get("/v1/admin/staff")),
            Map.entry(Permission.MANAGE_ORDERS, api -> api.patch("/v1/admin/orders/NONE-1").body(Map.of())),
            Map.entry(Permission.MANAGE_TEMPLATES, api -> api.get("/v1/admin/mail-templates")),
            Map.entry(Permission.MANAGE_WEBHOOKS, api -> api.get("/v1/admin/webhooks")),
            Map.entry(Permission.IMPERSONATE_CUSTOMERS,
                    api -> api.post("/v1/admin/customers/cus_none/impersonation").body(Map.of()))));

    private Api.Res create(String bearer, Map<String, Object> body) {
        return api.post("/v1/admin/api-keys").bearer(bearer).body(body).send();
    }

    private String secretKey(String bearer, List<String> scopes) {
        return create(bearer, Map.of("kind", "secret", "scopes", scopes)).expect(201).str("key");
    }

    private JsonNode keys(String bearer) {
        return api.get("/v1/admin/api-keys?limit=100").bearer(bearer).send().expect(200).body().path("data");
    }

    private JsonNode events(String bearer, String type) {
        return api.get("/v1/admin/audit?limit=100&type=" + type).bearer(bearer).send().expect(200).body().path("data");
    }

    private Api.Res call(Permission permission, String bearer) {
        return REQUESTS.get(permission).apply(api).bearer(bearer).send();
    }

    private static List<String> scopes(JsonNode key) {
        List<String> scopes = new ArrayList<>();
        key.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return scopes;
    }

    private static void assertPassed(Api.Res res, Permission permission) {
        assertThat(res.status()).as("%s with the scope: %s", permission, res.raw())
                .isNotIn(401, 403).isLessThan(500);
    }

    private static void assertRefused(Api.Res res, Permission permission) {
        res.expect(403, "insufficient_scope");
        assertThat(res.body().path("detail").asText()).as("detail of %s", res.raw()).contains(permission.wire());
    }

    @Test
    void everyPermissionHasARequestHere() {
        assertThat(REQUESTS).containsOnlyKeys(Permission.values());
    }

    @Test
    void createWhenScopesGivenThenTheAnswerTheListAndTheAuditEventShowThemInOneOrder() {
        var tenant = Fixtures.tenant(api);

        var created = create(tenant.sk(), Map.of("kind", "secret", "name", "order reader",
                "scopes", List.of("manage_orders", "view_customers"))).expect(201);

        assertThat(scopes(created.body())).containsExactly("view_customers", "manage_orders");
        JsonNode listed = keys(tenant.sk());
        assertThat(listed).filteredOn(k -> k.path("id").asText().equals(created.str("id"))).singleElement()
                .satisfies(k -> assertThat(scopes(k)).containsExactly("view_customers", "manage_orders"));
        // the keys made with the tenant: the secret one holds every scope, the publishable one none
        assertThat(listed).filteredOn(k -> !k.path("id").asText().equals(created.str("id")))
                .extracting(k -> k.path("kind").asText() + " " + scopes(k))
                .containsExactlyInAnyOrder("secret " + EVERY_SCOPE, "publishable []");
        JsonNode event = events(tenant.sk(), "api_key.created").get(0).path("data");
        assertThat(event.path("key_id").asText()).isEqualTo(created.str("id"));
        assertThat(scopes(event)).containsExactly("view_customers", "manage_orders");
    }

    @Test
    void createWhenScopesLeftOutOrNullThenEveryScopeAsBefore() {
        var tenant = Fixtures.tenant(api);
        for (var body : List.of(Bodies.of("kind", "secret"), Bodies.of("kind", "secret", "scopes", null))) {
            var created = create(tenant.sk(), body).expect(201);
            assertThat(scopes(created.body())).isEqualTo(EVERY_SCOPE);
            for (Permission permission : Permission.values()) {
                assertPassed(call(permission, created.str("key")), permission);
            }
        }
        assertThat(scopes(create(tenant.sk(), Map.of("kind", "publishable")).expect(201).body())).isEmpty();
        assertThat(scopes(events(tenant.sk(), "api_key.created").get(0).path("data"))).isEmpty();
    }

    @Test
    void keyWhenMadeWithTheTenantThenItDoesEverything() {
        var tenant = Fixtures.tenant(api);
        for (Permission permission : Permission.values()) {
            assertPassed(call(permission, tenant.sk()), permission);
        }
    }

    @Test
    void scopedKeyWhenRouteNeedsItsScopeThenAllowedAndWhenAnotherThenRefusedNamingIt() {
        var tenant = Fixtures.tenant(api);
        for (Permission permission : Permission.values()) {
            String only = secretKey(tenant.sk(), List.of(permission.wire()));
            String allBut = secretKey(tenant.sk(), EVERY_SCOPE.stream().filter(s -> !s.equals(permission.wire()))
                    .toList());

            assertPassed(call(permission, only), permission);
            assertRefused(call(permission, allBut), permission);
            Permission other = Permission.values()[(permission.ordinal() + 1) % Permission.values().length];
            assertRefused(call(other, only), other);
        }
    }

    @Test
    void keyWithoutScopesWhenStorefrontThenItRelaysTheBuyersIpAndNoAdminRouteOpens() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var relay = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of())).expect(201);
        assertThat(scopes(relay.body())).isEmpty();

        api.post("/v1/auth/login").key(relay.str("key")).header("X-Buyer-Ip", "192.0.2.44")
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send().expect(200);
        api.post("/v1/anonymous").key(relay.str("key")).header("X-Buyer-Ip", "192.0.2.45").send().expect(201);

        JsonNode sessions = api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(tenant.sk())
                .send().expect(200).body().path("data");
        assertThat(sessions).extracting(s -> s.path("ip").asText()).contains("192.0.2.44");
        for (Permission permission : Permission.values()) {
            assertRefused(call(permission, relay.str("key")), permission);
        }
    }

    @Test
    void createWhenScopesAreBadThen422NamingThemAndNothingMade() {
        var tenant = Fixtures.tenant(api);
        Map<Object, String> bad = new HashMap<>();
        bad.put(List.of("view_customers", "delete_everything"), "invalid");
        bad.put(List.of("VIEW_CUSTOMERS"), "invalid");
        bad.put(List.of("view_customers", "manage_orders", "view_customers"), "duplicate");
        bad.put("view_customers", "invalid_type");
        bad.put(List.of(1), "invalid_type");
        bad.put(List.of(List.of("view_customers")), "invalid_type");
        bad.put(Map.of("view_customers", true), "invalid_type");

        bad.forEach((scopes, code) -> Problems.assertInvalid(
                create(tenant.sk(), Map.of("kind", "secret", "scopes", scopes)), "scopes", code));
        for (List<String> scopes : List.of(List.<String>of(), List.of("view_customers"))) {
            Problems.assertInvalid(create(tenant.sk(), Map.of("kind", "publishable", "scopes", scopes)), "scopes",
                    "invalid");
        }

        assertThat(keys(tenant.sk())).hasSize(2);
        assertThat(events(tenant.sk(), "api_key.created")).isEmpty();
    }

    @Test
    void createWhenScopesBeyondTheCallersThen403NamingThemAndNothingWritten() {
        var tenant = Fixtures.tenant(api);
        String keyMaker = secretKey(tenant.sk(), List.of("manage_api_keys", "view_customers"));
        int keysBefore = keys(tenant.sk()).size();
        int eventsBefore = events(tenant.sk(), "api_key.created").size();

        var broader = create(keyMaker, Map.of("kind", "secret", "scopes",
                List.of("manage_api_keys", "manage_staff", "delete_customers")));
        broader.expect(403, "insufficient_scope");
        assertThat(broader.body().path("detail").asText()).contains("delete_customers, manage_staff")
                .doesNotContain("manage_api_keys");
        var everything = create(keyMaker, Map.of("kind", "secret"));
        everything.expect(403, "insufficient_scope");
        assertThat(everything.body().path("detail").asText()).contains("manage_settings");

        assertThat(keys(tenant.sk())).hasSize(keysBefore);
        assertThat(events(tenant.sk(), "api_key.created")).hasSize(eventsBefore);
        // as much as it holds, or less, or a publishable key, it may make
        assertThat(scopes(create(keyMaker, Map.of("kind", "secret", "scopes", List.of("view_customers",
                "manage_api_keys"))).expect(201).body())).containsExactly("view_customers", "manage_api_keys");
        secretKey(keyMaker, List.of());
        create(keyMaker, Map.of("kind", "publishable")).expect(201);
    }

    @Test
    void createWhenByStaffThenTheirRoleBoundsTheKey() {
        var shop = StaffFixtures.shop(api);
        String owner = StaffFixtures.ownerToken(api, shop);
        assertThat(scopes(create(owner, Map.of("kind", "secret")).expect(201).body())).isEqualTo(EVERY_SCOPE);
        // support may make no key at all: managing keys is not theirs
        create(StaffFixtures.supportToken(api, shop), Map.of("kind", "secret", "scopes", List.of("view_customers")))
                .expect(403, "insufficient_scope");
    }

    @Test
    void revokeWhenTheLastKeyHoldingEveryScopeThen409WhileScopedKeysMayGo() {
        var tenant = Fixtures.tenant(api);
        var scoped = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of("manage_api_keys"))).expect(201);
        String fullId = null;
        for (JsonNode key : keys(tenant.sk())) {
            if (scopes(key).equals(EVERY_SCOPE)) {
                fullId = key.path("id").asText();
            }
        }

        api.delete("/v1/admin/api-keys/" + fullId).bearer(tenant.sk()).send().expect(409, "last_secret_key");

        api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);
        api.delete("/v1/admin/api-keys/" + scoped.str("id")).bearer(tenant.sk()).send().expect(204);
    }

    /** The routes of a staff member's own session refuse any key as a key, not for a scope it could be given. */
    @Test
    void ownStaffSessionRoutesWhenAScopedKeyThenRefusedForBeingAKeyNotForAScope() {
        var tenant = Fixtures.tenant(api);
        String relay = secretKey(tenant.sk(), List.of());

        var password = api.post("/v1/admin/staff/password").bearer(relay)
                .body(Map.of("current_password", "x", "new_password", "a brand new password 42")).send();
        var logout = api.post("/v1/admin/staff/logout").bearer(relay).send();

        for (Api.Res res : List.of(password, logout)) {
            res.expect(403, "insufficient_scope");
            assertThat(res.body().path("detail").asText()).contains("staff").doesNotContain("scope");
        }
    }

    /** A narrow key with manage_api_keys may revoke keys within its own scopes, not the shop's broader ones. */
    @Test
    void revokeWhenTheKeyHoldsScopesTheCallerLacksThen403AndTheKeyLives() {
        var tenant = Fixtures.tenant(api);
        String keeper = secretKey(tenant.sk(), List.of("manage_api_keys", "view_audit"));
        var broader = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of("view_audit", "manage_orders")))
                .expect(201);
        var narrower = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of("view_audit"))).expect(201);
        var publishable = create(tenant.sk(), Map.of("kind", "publishable")).expect(201);

        api.delete("/v1/admin/api-keys/" + broader.str("id")).bearer(keeper).send().expect(403, "insufficient_scope");
        String fullId = null;
        for (JsonNode key : keys(tenant.sk())) {
            if (scopes(key).equals(EVERY_SCOPE)) {
                fullId = key.path("id").asText();
            }
        }
        api.delete("/v1/admin/api-keys/" + fullId).bearer(keeper).send().expect(403, "insufficient_scope");

        assertPassed(call(Permission.MANAGE_ORDERS, broader.str("key")), Permission.MANAGE_ORDERS);
        assertThat(events(tenant.sk(), "api_key.revoked")).isEmpty();
        api.delete("/v1/admin/api-keys/" + narrower.str("id")).bearer(keeper).send().expect(204);
        api.delete("/v1/admin/api-keys/" + publishable.str("id")).bearer(keeper).send().expect(204);
    }

    /**
     * A key with manage_staff but fewer scopes than a member may not make, promote, demote, remove or set the password
     * of such a member: it would log in as them (or as an owner it made) and do everything.
     */
    @Test
    void staffWhenTheRoleHoldsScopesTheKeyLacksThen403AndNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var tenant = shop.tenant();
        String staffKey = secretKey(tenant.sk(), List.of("manage_staff"));
        String supportEmail = StaffFixtures.addStaff(api, shop, "support");
        String supportId = null;
        for (JsonNode member : api.get("/v1/admin/staff?limit=100").bearer(staffKey).send().expect(200).body()
                .path("data")) {
            if (member.path("email").asText().equals(supportEmail)) {
                supportId = member.path("id").asText();
            }
        }

        for (String role : List.of("owner", "support")) {
            api.post("/v1/admin/staff").bearer(staffKey).body(Map.of("email", role + "-" + Fixtures.uniqueEmail(),
                    "password", Fixtures.PASSWORD, "role", role)).send().expect(403, "insufficient_scope");
        }
        api.post("/v1/admin/staff/" + shop.ownerId() + "/password").bearer(staffKey)
                .body(Map.of("new_password", "a brand new owner password 42")).send().expect(403, "insufficient_scope");
        api.patch("/v1/admin/staff/" + supportId).bearer(staffKey).body(Map.of("role", "owner")).send()
                .expect(403, "insufficient_scope");
        api.delete("/v1/admin/staff/" + shop.ownerId()).bearer(staffKey).send().expect(403, "insufficient_scope");

        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
        assertThat(api.get("/v1/admin/staff?limit=100").bearer(tenant.sk()).send().expect(200).body().path("data"))
                .extracting(member -> member.path("role").asText()).containsExactlyInAnyOrder("owner", "support");
        // the owner made with the shop and the support member added by the full key: none by the narrow key
        assertThat(events(tenant.sk(), "staff.created")).hasSize(2);
        // a key holding a support member's permissions (and manage_staff) may manage support members
        String supportManager = secretKey(tenant.sk(), List.of("manage_staff", "view_customers", "reset_lockouts",
                "reset_mfa", "revoke_sessions", "resend_verification", "send_password_reset", "view_audit"));
        api.post("/v1/admin/staff").bearer(supportManager).body(Map.of("email", "support-" + Fixtures.uniqueEmail(),
                "password", Fixtures.PASSWORD, "role", "support")).send().expect(201);
        api.patch("/v1/admin/staff/" + supportId).bearer(supportManager).body(Map.of("role", "owner")).send()
                .expect(403, "insufficient_scope");
        api.delete("/v1/admin/staff/" + supportId).bearer(supportManager).send().expect(204);
    }

    @Test
    void scopedKeyWhenRevokedAfterUseThenRefusedAtOnceAndTheOthersKeepTheirOwnScopes() {
        var tenant = Fixtures.tenant(api);
        var reader = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of("view_audit"))).expect(201);
        var relay = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of())).expect(201);
        call(Permission.VIEW_AUDIT, reader.str("key")).expect(200);
        assertRefused(call(Permission.VIEW_AUDIT, relay.str("key")), Permission.VIEW_AUDIT);

        api.delete("/v1/admin/api-keys/" + reader.str("id")).bearer(tenant.sk()).send().expect(204);

        call(Permission.VIEW_AUDIT, reader.str("key")).expect(401, "invalid_api_key");
        assertRefused(call(Permission.VIEW_AUDIT, relay.str("key")), Permission.VIEW_AUDIT);
        var another = create(tenant.sk(), Map.of("kind", "secret", "scopes", List.of("view_audit"))).expect(201);
        call(Permission.VIEW_AUDIT, another.str("key")).expect(200);
        assertRefused(call(Permission.VIEW_AUDIT, relay.str("key")), Permission.VIEW_AUDIT);
        assertThat(keys(tenant.sk())).filteredOn(k -> k.path("id").asText().equals(reader.str("id"))).singleElement()
                .satisfies(k -> assertThat(scopes(k)).containsExactly("view_audit"));
    }

    @Test
    void operatorsKeyWhenIssuedThenItHoldsEveryScope() {
        var tenant = Fixtures.tenant(api);
        var rescue = api.post("/v1/platform/tenants/" + tenant.id() + "/secret-keys").bearer(TestServer.PLATFORM_TOKEN)
                .send().expect(201);

        assertThat(scopes(rescue.body())).isEqualTo(EVERY_SCOPE);
        for (Permission permission : Permission.values()) {
            assertPassed(call(permission, rescue.str("secret_key")), permission);
        }
        assertThat(scopes(events(tenant.sk(), "api_key.created").get(0).path("data"))).isEqualTo(EVERY_SCOPE);
    }
}
