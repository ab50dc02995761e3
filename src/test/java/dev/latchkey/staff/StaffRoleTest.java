package dev.latchkey.staff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Callable;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.StaffFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

/** An owner gives a staff member another role: at once, recorded, and never leaving the shop without an owner. */
class StaffRoleTest extends ApiTest {
    private Api.Res changeRole(String bearer, String staffId, Object body) {
        return api.patch("/v1/admin/staff/" + staffId).bearer(bearer).body(body).send();
    }

    private JsonNode roleChanges(StaffFixtures.Shop shop) {
        return api.get("/v1/admin/audit?type=staff.role_changed").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data");
    }

    @Test
    void changeRoleThenTheMembersNextRequestHasTheNewRoleAndTheChangeIsRecorded() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var member = login(api, shop.id(), email, Fixtures.PASSWORD).expect(200);
        String token = member.str("access_token");
        String id = member.str("staff_id");
        api.get("/v1/admin/settings").bearer(token).send().expect(403, "insufficient_scope");

        var promoted = changeRole(StaffFixtures.ownerToken(api, shop), id, Map.of("role", "owner")).expect(200);

        assertThat(promoted.str("role")).isEqualTo("owner");
        assertThat(promoted.str("email")).isEqualTo(email.toLowerCase());
        assertThat(promoted.str("updated_at")).isNotEqualTo(promoted.str("created_at"));
        api.get("/v1/admin/settings").bearer(token).send().expect(200);
        JsonNode recorded = roleChanges(shop).get(0);
        assertThat(recorded.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(recorded.path("data").path("changed_staff_id").asText()).isEqualTo(id);
        assertThat(recorded.path("data").path("from").asText()).isEqualTo("support");
        assertThat(recorded.path("data").path("to").asText()).isEqualTo("owner");

        changeRole(shop.tenant().sk(), id, Map.of("role", "support")).expect(200);
        api.get("/v1/admin/settings").bearer(token).send().expect(403, "insufficient_scope");
        api.get("/v1/admin/customers").bearer(token).send().expect(200);
        assertThat(api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data")
                .findValuesAsText("role")).containsExactlyInAnyOrder("owner", "support");
    }

    @Test
    void changeRoleWhenTheSameRoleThenNothingChangesOrIsRecorded() {
        var shop = StaffFixtures.shop(api);
        var before = api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data").get(0);

        var same = changeRole(shop.tenant().sk(), shop.ownerId(), Map.of("role", "owner")).expect(200);

        assertThat(same.str("updated_at")).isEqualTo(before.path("updated_at").asText());
        assertThat(roleChanges(shop)).isEmpty();
    }

    @Test
    void changeRoleWhenTheLastOwnerThenConflictUntilAnotherOwnerExists() {
        var shop = StaffFixtures.shop(api);
        String ownerToken = StaffFixtures.ownerToken(api, shop);
        changeRole(ownerToken, shop.ownerId(), Map.of("role", "support")).expect(409, "last_owner");
        api.get("/v1/admin/settings").bearer(ownerToken).send().expect(200);

        String second = StaffFixtures.addStaff(api, shop, "owner");
        changeRole(ownerToken, shop.ownerId(), Map.of("role", "support")).expect(200);

        api.get("/v1/admin/settings").bearer(ownerToken).send().expect(403, "insufficient_scope");
        String secondToken = login(api, shop.id(), second, Fixtures.PASSWORD).expect(200).str("access_token");
        String secondId = api.get("/v1/admin/staff").bearer(secondToken).send().expect(200).body().path("data")
                .findValues("id").stream().map(JsonNode::asText).filter(id -> !id.equals(shop.ownerId())).findFirst()
                .orElseThrow();
        changeRole(secondToken, secondId, Map.of("role", "support")).expect(409, "last_owner");
    }

    @Test
    void changeRoleWhenTwoOwnersDemoteEachOtherAtOnceThenOneOwnerRemains() {
        for (int round = 0; round < 5; round++) {
            var shop = StaffFixtures.shop(api);
            String second = StaffFixtures.addStaff(api, shop, "owner");
            var secondLogin = login(api, shop.id(), second, Fixtures.PASSWORD).expect(200);
            String firstToken = StaffFixtures.ownerToken(api, shop);
            List<Callable<Api.Res>> demotions = List.of(
                    () -> changeRole(firstToken, secondLogin.str("staff_id"), Map.of("role", "support")),
                    () -> changeRole(secondLogin.str("access_token"), shop.ownerId(), Map.of("role", "support")));

            List<Integer> statuses = Concurrently.all(demotions).stream().map(Api.Res::status).toList();

            // the later one acts as support by then (403), or waited for the owners' lock and found one owner (409)
            assertThat(statuses).as("round %d", round).contains(200).containsAnyOf(403, 409).hasSize(2);
            assertThat(api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data")
                    .findValuesAsText("role")).containsExactlyInAnyOrder("owner", "support");
        }
    }

    /**
     * An owner is demoted while their request to change another member waits for the owners' rows: once it has them,
     * its caller is no owner any more, and it is refused rather than undoing or outdoing the demotion.
     */
    @Test
    void changeRoleWhenTheCallerIsDemotedWhileItWaitsThenRefusedAndNothingChanges() throws Exception {
        var shop = StaffFixtures.shop(api);
        String secondEmail = StaffFixtures.addStaff(api, shop, "owner");
        String secondId = login(api, shop.id(), secondEmail, Fixtures.PASSWORD).expect(200).str("staff_id");
        String demoted = StaffFixtures.ownerToken(api, shop);

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                "UPDATE staff SET role = 'support' WHERE tenant_id = ? AND id = ?",
                () -> changeRole(demoted, secondId, Map.of("role", "support")), shop.id(), shop.ownerId());

        answer.expect(403, "insufficient_scope");
        assertThat(api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data")
                .findValuesAsText("role")).containsExactlyInAnyOrder("owner", "support");
        assertThat(roleChanges(shop)).isEmpty();
    }

    /** Nor may an owner demoted meanwhile set the last owner's password (taking the account over) or add an owner. */
    @Test
    void ownerChangesWhenTheCallerIsDemotedWhileTheyWaitThenRefused() throws Exception {
        var shop = StaffFixtures.shop(api);
        String secondEmail = StaffFixtures.addStaff(api, shop, "owner");
        var second = login(api, shop.id(), secondEmail, Fixtures.PASSWORD).expect(200);
        String demote = "UPDATE staff SET role = 'support' WHERE tenant_id = ? AND id = ?";

        Api.Res takeover = RowLocks.commitWhileWaiting(server, demote,
                () -> api.post("/v1/admin/staff/" + shop.ownerId() + "/password").bearer(second.str("access_token"))
                        .body(Map.of("new_password", "taken over pass phrase")).send(),
                shop.id(), second.str("staff_id"));
        takeover.expect(403, "insufficient_scope");
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);

        server.app.database().run(h -> h.createUpdate("UPDATE staff SET role = 'owner' WHERE tenant_id = :t AND id = :id")
                .bind("t", shop.id()).bind("id", second.str("staff_id")).execute());
        Api.Res added = RowLocks.commitWhileWaiting(server, demote,
                () -> api.post("/v1/admin/staff").bearer(second.str("access_token")).body(Map.of("email",
                        Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "role", "owner")).send(),
                shop.id(), second.str("staff_id"));
        added.expect(403, "insufficient_scope");
        assertThat(api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data"))
                .hasSize(2);
    }

    /** Nor change the settings or the API keys, the other changes only owners make. */
    @Test
    void settingsAndApiKeysWhenTheCallerIsDemotedWhileTheChangeWaitsThenRefusedAndNothingChanges() throws Exception {
        var shop = StaffFixtures.shop(api);
        StaffFixtures.addStaff(api, shop, "owner"); // the shop keeps an owner, so the first may be demoted
        String demote = "UPDATE staff SET role = 'support' WHERE tenant_id = ? AND id = ?";
        String promote = "UPDATE staff SET role = 'owner' WHERE tenant_id = :t AND id = :id";
        String token = StaffFixtures.ownerToken(api, shop);
        String sk = shop.tenant().sk();
        String keyId = api.post("/v1/admin/api-keys").bearer(sk).body(Map.of("kind", "publishable")).send()
                .expect(201).str("id");
        int keys = api.get("/v1/admin/api-keys").bearer(sk).send().expect(200).body().path("data").size();
        List<Supplier<Api.Res>> ownersChanges = List.of(
                () -> api.patch("/v1/admin/settings").bearer(token).body(Map.of("lockout_threshold", 3)).send(),
                () -> api.post("/v1/admin/api-keys").bearer(token).body(Map.of("kind", "secret")).send(),
                () -> api.delete("/v1/admin/api-keys/" + keyId).bearer(token).send());

        for (Supplier<Api.Res> change : ownersChanges) {
            RowLocks.commitWhileWaiting(server, demote, change, shop.id(), shop.ownerId())
                    .expect(403, "insufficient_scope");
            server.app.database().run(h -> h.createUpdate(promote).bind("t", shop.id()).bind("id", shop.ownerId())
                    .execute());
        }

        assertThat(api.get("/v1/admin/settings").bearer(sk).send().expect(200).body().path("lockout_threshold")
                .asInt()).isEqualTo(10);
        var listed = api.get("/v1/admin/api-keys").bearer(sk).send().expect(200).body().path("data");
        assertThat(listed).hasSize(keys);
        listed.forEach(key -> assertThat(key.path("revoked_at").isNull()).as(key.toString()).isTrue());
    }

    @Test
    void changeRoleWhenBadInputThenRefusedAndNothingChanges() {
        var shop = StaffFixtures.shop(api);
        String sk = shop.tenant().sk();
        String email = StaffFixtures.addStaff(api, shop, "support");
        String id = login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("staff_id");

        changeRole(sk, id, "{\"role\":").expect(400, "malformed_json");
        changeRole(sk, id, List.of("owner")).expect(400, "malformed_json");
        assertInvalid(changeRole(sk, id, Map.of()), "role", "required");
        assertInvalid(changeRole(sk, id, Map.of("role", "")), "role", "required");
        assertInvalid(changeRole(sk, id, Map.of("role", "admin")), "role", "invalid");
        assertInvalid(changeRole(sk, id, Map.of("role", 1)), "role", "invalid_type");
        assertInvalid(changeRole(sk, id, Map.of("role", "x".repeat(33))), "role", "too_long");
        assertInvalid(changeRole(sk, id, Map.of("role", "owner", "email", "new@example.com")), "email", "read_only");
        assertInvalid(changeRole(sk, id, Map.of("role", "owner", "password", Fixtures.PASSWORD)), "password",
                "read_only");
        changeRole(sk, "staff_unknown", Map.of("role", "owner")).expect(404, "not_found");

        assertThat(api.get("/v1/admin/staff").bearer(sk).send().expect(200).body().path("data")
                .findValuesAsText("role")).containsExactlyInAnyOrder("owner", "support");
        assertThat(roleChanges(shop)).isEmpty();
    }

    @Test
    void changeRoleWhenSupportPublishableKeyOrOtherTenantThenRefused() {
        var shop = StaffFixtures.shop(api);
        var other = StaffFixtures.shop(api);
        String support = StaffFixtures.supportToken(api, shop);

        changeRole(support, shop.ownerId(), Map.of("role", "support")).expect(403, "insufficient_scope");
        changeRole(shop.tenant().pk(), shop.ownerId(), Map.of("role", "support")).expect(403, "insufficient_scope");
        changeRole(other.tenant().sk(), shop.ownerId(), Map.of("role", "support")).expect(404, "not_found");
        changeRole(StaffFixtures.ownerToken(api, other), shop.ownerId(), Map.of("role", "support"))
                .expect(404, "not_found");
        changeRole("stf_" + "x".repeat(43), shop.ownerId(), Map.of("role", "support")).expect(401, "invalid_token");

        assertThat(roleChanges(shop)).isEmpty();
    }
}
