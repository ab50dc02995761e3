package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Problems.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

/** The operator's view of one tenant, its suspension and reactivation, and a secret key issued after an incident. */
class PlatformTenantStatusTest extends ApiTest {
    private Api.Res get(String tenantId) {
        return api.get("/v1/platform/tenants/" + tenantId).bearer(TestServer.PLATFORM_TOKEN).send();
    }

    private Api.Res patch(String tenantId, Object body) {
        return api.patch("/v1/platform/tenants/" + tenantId).bearer(TestServer.PLATFORM_TOKEN).body(body).send();
    }

    private Api.Res issueKey(String tenantId) {
        return api.post("/v1/platform/tenants/" + tenantId + "/secret-keys").bearer(TestServer.PLATFORM_TOKEN).send();
    }

    /** The tenant's events of this type, newest first, as its merchant reads them. */
    private JsonNode events(Fixtures.Tenant tenant, String type) {
        return api.get("/v1/admin/audit?limit=100&type=" + type).bearer(tenant.sk()).send().expect(200).body()
                .path("data");
    }

    @Test
    void getWhenKnownThenTheTenantAsCreatedWithStatusActive() {
        var tenant = Fixtures.tenant(api, Map.of("password_min_length", 12));

        var res = get(tenant.id()).expect(200);

        assertThat(res.str("id")).isEqualTo(tenant.id());
        assertThat(res.str("name")).isEqualTo("Test Shop");
        assertThat(res.str("status")).isEqualTo("active");
        assertThat(res.body().path("settings")).isEqualTo(tenant.settings());
    }

    @Test
    void listWhenATenantIsSuspendedThenItShowsItsStatusToo() {
        var tenant = Fixtures.tenant(api);
        Fixtures.status(api, tenant.id(), "suspended");

        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.get("/v1/platform/tenants?limit=100" + (cursor == null ? "" : "&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
                    .bearer(TestServer.PLATFORM_TOKEN).send().expect(200);
            page.body().path("data").forEach(all::add);
            cursor = page.str("next_cursor");
        } while (cursor != null);

        assertThat(all).allMatch(t -> t.path("status").isTextual());
        assertThat(all).filteredOn(t -> t.path("id").asText().equals(tenant.id()))
                .singleElement().satisfies(t -> assertThat(t.path("status").asText()).isEqualTo("suspended"));
    }

    @Test
    void getWhenUnknownOrMalformedIdThenNotFound() {
        get("no-such-tenant-" + Fixtures.uniqueId("x")).expect(404, "not_found");
        get("bad%20id").expect(404, "not_found");
    }

    @Test
    void platformTenantRoutesWhenTokenMissingOrWrongThen401AndATenantsKeyIs403AndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        String path = "/v1/platform/tenants/" + tenant.id();
        for (String bearer : List.of("", TestServer.PLATFORM_TOKEN + "x", tenant.sk())) {
            boolean tenantsKey = bearer.equals(tenant.sk());
            List<Api.Call> calls = List.of(api.get(path), api.patch(path).body(Map.of("status", "suspended")),
                    api.post(path + "/secret-keys"));
            for (Api.Call call : calls) {
                (bearer.isEmpty() ? call : call.bearer(bearer)).send()
                        .expect(tenantsKey ? 403 : 401, tenantsKey ? "insufficient_scope" : "invalid_token");
            }
        }

        assertThat(get(tenant.id()).expect(200).str("status")).isEqualTo("active");
        assertThat(api.get("/v1/admin/api-keys").bearer(tenant.sk()).send().expect(200).body().path("data"))
                .hasSize(2);
    }

    @Test
    void patchWhenSuspendedThenItsKeyOnAPlatformRouteIsStillTheWrongKindOfCredential() {
        var tenant = Fixtures.tenant(api);
        Fixtures.status(api, tenant.id(), "suspended");

        api.get("/v1/platform/tenants").bearer(tenant.sk()).send().expect(403, "insufficient_scope");
    }

    @Test
    void patchWhenStatusChangesThenAnsweredAndRecordedOnceEachWayByTheOperator() {
        var tenant = Fixtures.tenant(api);

        var suspended = patch(tenant.id(), Map.of("status", "suspended")).expect(200);
        patch(tenant.id(), Map.of("status", "suspended")).expect(200);
        assertThat(suspended.str("status")).isEqualTo("suspended");
        assertThat(suspended.str("id")).isEqualTo(tenant.id());
        assertThat(get(tenant.id()).expect(200).str("status")).isEqualTo("suspended");

        var active = patch(tenant.id(), Map.of("status", "active")).expect(200);
        patch(tenant.id(), Map.of("status", "active")).expect(200);
        assertThat(active.str("status")).isEqualTo("active");

        for (String type : List.of("tenant.suspended", "tenant.reactivated")) {
            JsonNode events = events(tenant, type);
            assertThat(events).as(type).hasSize(1);
            JsonNode event = events.get(0);
            assertThat(event.path("data").path("by").asText()).isEqualTo("operator");
            assertThat(event.path("customer_id").isNull()).isTrue();
            assertThat(event.path("staff_id").isMissingNode() || event.path("staff_id").isNull()).isTrue();
        }
    }

    @Test
    void patchWhenStatusUnknownWrongTypeOrMissingThen422NamingItAndNothingChanges() {
        var tenant = Fixtures.tenant(api);

        assertInvalid(patch(tenant.id(), Map.of("status", "deleted")), "status", "invalid");
        assertInvalid(patch(tenant.id(), Map.of("status", "SUSPENDED")), "status", "invalid");
        assertInvalid(patch(tenant.id(), Map.of("status", true)), "status", "invalid_type");
        assertInvalid(patch(tenant.id(), Map.of()), "status", "required");
        patch(tenant.id(), "{\"status\": ").expect(400, "malformed_json");
        patch(tenant.id(), "[\"suspended\"]").expect(400, "malformed_json");

        assertThat(get(tenant.id()).expect(200).str("status")).isEqualTo("active");
        assertThat(events(tenant, "tenant.suspended")).isEmpty();
    }

    @Test
    void patchWhenUnknownTenantThenNotFound() {
        patch("no-such-tenant-" + Fixtures.uniqueId("x"), Map.of("status", "suspended")).expect(404, "not_found");
    }

    @Test
    void secretKeyWhenIssuedThenShownOnceWorksAndIsListedByTheMerchant() {
        var tenant = Fixtures.tenant(api);

        var issued = issueKey(tenant.id()).expect(201);

        String key = issued.str("secret_key");
        assertThat(key).matches("sk_[0-9A-Za-z]{43}");
        assertThat(issued.str("kind")).isEqualTo("secret");
        assertThat(issued.str("hint")).isEqualTo(key.substring(key.length() - 4));
        var listed = api.get("/v1/admin/api-keys").bearer(key).send().expect(200);
        assertThat(listed.body().path("data")).anySatisfy(k -> {
            assertThat(k.path("id").asText()).isEqualTo(issued.str("id"));
            assertThat(k.path("revoked_at").isNull()).isTrue();
        });
        assertThat(listed.raw()).doesNotContain(key);
        api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200); // the merchant's keys stay as they were
        JsonNode created = events(tenant, "api_key.created");
        assertThat(created).hasSize(1);
        assertThat(created.get(0).path("data").path("by").asText()).isEqualTo("operator");
        assertThat(created.get(0).path("data").path("key_id").asText()).isEqualTo(issued.str("id"));
    }

    /**
     * The incident's sequence: suspend, issue a key, hand it over; the merchant cuts off the rest with it while the shop
     * is still suspended, so nothing the attacker held comes back with the reactivation.
     */
    @Test
    void secretKeyWhenIssuedWhileSuspendedThenItOpensTheAdminRoutesForTheCleanUpAndNothingElse() {
        var shop = StaffFixtures.shop(api);
        var tenant = shop.tenant();
        String leaked = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret")).send()
                .expect(201).str("key");
        String intruder = api.post("/v1/admin/staff").bearer(leaked).body(Map.of("email", Fixtures.uniqueEmail(),
                "password", "intruder long pass phrase", "role", "owner")).send().expect(201).str("id");
        String before = issueKey(tenant.id()).expect(201).str("secret_key"); // an operator's key of an earlier day
        Fixtures.status(api, tenant.id(), "suspended");

        var issued = issueKey(tenant.id()).expect(201);
        assertThat(issued.body().path("issued_by_operator").asBoolean()).isTrue();
        String fresh = issued.str("secret_key");
        api.get("/v1/admin/api-keys").bearer(before).send().expect(403, "tenant_suspended");
        api.get("/v1/admin/api-keys").bearer(leaked).send().expect(403, "tenant_suspended");
        api.post("/v1/anonymous").key(fresh).send().expect(403, "tenant_suspended"); // the shop itself stays closed
        var keys = api.get("/v1/admin/api-keys").bearer(fresh).send().expect(200).body().path("data");
        for (JsonNode key : keys) {
            boolean theFreshOne = key.path("hint").asText().equals(fresh.substring(fresh.length() - 4));
            if (key.path("kind").asText().equals("secret") && !theFreshOne) {
                api.delete("/v1/admin/api-keys/" + key.path("id").asText()).bearer(fresh).send().expect(204);
            }
        }
        api.delete("/v1/admin/staff/" + intruder).bearer(fresh).send().expect(204);
        api.post("/v1/admin/staff/" + shop.ownerId() + "/password").bearer(fresh)
                .body(Map.of("new_password", "lantern orchard velvet compass")).send().expect(204);
        Fixtures.status(api, tenant.id(), "active");

        api.get("/v1/admin/settings").bearer(leaked).send().expect(401, "invalid_api_key");
        api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(401, "invalid_api_key");
        api.get("/v1/admin/settings").bearer(before).send().expect(401, "invalid_api_key");
        api.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
        api.get("/v1/admin/settings").bearer(fresh).send().expect(200);
        StaffFixtures.login(api, tenant.id(), shop.ownerEmail(), "lantern orchard velvet compass").expect(200);
    }

    /** Once reactivated, the operator's key is an ordinary one: it does not open the next suspension. */
    @Test
    void secretKeyWhenTheShopIsSuspendedAgainThenTheEarlierRescueKeyIsRefusedLikeAnyOther() {
        var tenant = Fixtures.tenant(api);
        Fixtures.status(api, tenant.id(), "suspended");
        String rescue = issueKey(tenant.id()).expect(201).str("secret_key");
        api.get("/v1/admin/settings").bearer(rescue).send().expect(200);
        Fixtures.status(api, tenant.id(), "active");
        server.clock.advance(java.time.Duration.ofSeconds(1));
        Fixtures.status(api, tenant.id(), "suspended");

        api.get("/v1/admin/settings").bearer(rescue).send().expect(403, "tenant_suspended");
        assertThat(get(tenant.id()).expect(200).str("suspended_at")).isNotNull();
        Fixtures.status(api, tenant.id(), "active");
        assertThat(get(tenant.id()).expect(200).body().path("suspended_at").isNull()).isTrue();
    }

    @Test
    void secretKeyWhenUnknownTenantThenNotFoundAndNothingIsStored() {
        issueKey("no-such-tenant-" + Fixtures.uniqueId("x")).expect(404, "not_found");
    }
}
