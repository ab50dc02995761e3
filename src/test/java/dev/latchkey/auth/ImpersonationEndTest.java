package dev.latchkey.auth;

import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Impersonations;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What takes from a staff member or a key the right to start an impersonation ends those it already started, at once
 * and on every node; those someone else started go on.
 */
class ImpersonationEndTest extends ApiTest {
    private static final Map<String, Object> ON = Map.of("staff_impersonation", true);

    /**
     * A second owner and the shop's first one each start an impersonation of one customer; {@code change} (given the
     * shop and the second owner's id) is made by the first owner; the second owner's ends with {@code reason}, the
     * first owner's and the customer's own session go on.
     */
    private void memberChange(String reason, BiConsumer<StaffFixtures.Shop, String> change) {
        var member = member();
        var shop = member.shop();
        var customer = member.customer();
        var byMember = Impersonations.start(api, member.token(), customer);
        var byOwner = Impersonations.start(api, StaffFixtures.ownerToken(api, shop), customer);
        Impersonations.assertLive(api, byMember);

        change.accept(shop, member.id());

        Impersonations.assertEnded(api, customer, byMember, reason);
        Impersonations.assertLive(api, byOwner);
        api.get("/v1/me").as(customer).send().expect(200);
    }

    /** A second owner of a shop that allows impersonation, logged in to the API, and a customer of the shop. */
    private record Member(StaffFixtures.Shop shop, Fixtures.Shopper customer, String id, String token) {
    }

    private Member member() {
        var shop = StaffFixtures.shop(api, ON);
        var customer = Fixtures.shopper(api, shop.tenant());
        String email = StaffFixtures.addStaff(api, shop, "owner");
        String id = StaffFixtures.member(api, shop, email).path("id").asText();
        String token = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("access_token");
        return new Member(shop, customer, id, token);
    }

    /**
     * The member's start waits for their row while a concurrent transaction holds it and makes {@code change} (given
     * the tenant's and the member's id), as the owner's change does from before it ends the member's sessions and
     * impersonations until it commits: the start reads the member's session again under that lock and answers as the
     * session's next request would, {@code status} with {@code code}, starting nothing the change missed.
     */
    private void refusedWhenTheMemberChangesMeanwhile(int status, String code, String... change) throws Exception {
        var member = member();
        RowLocks.Sql[] statements = Arrays.stream(change)
                .map(sql -> new RowLocks.Sql(sql, member.shop().id(), member.id())).toArray(RowLocks.Sql[]::new);

        Api.Res answer = Impersonations.startWhileTheMemberChanges(server, member.token(), member.customer(),
                member.id(), statements);

        answer.expect(status, code);
        Impersonations.assertNoneStarted(api, member.customer());
    }

    /** An owner sets the member's password: it ended the session the start came with. */
    @Test
    void staffWhenPasswordSetWhileTheirImpersonationWaitsThen401AndNoSession() throws Exception {
        refusedWhenTheMemberChangesMeanwhile(401, "invalid_token",
                "UPDATE staff_sessions SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND staff_id = ?");
    }

    /** The member is removed: their session is gone with them. */
    @Test
    void staffWhenRemovedWhileTheirImpersonationWaitsThen401AndNoSession() throws Exception {
        refusedWhenTheMemberChangesMeanwhile(401, "invalid_token",
                "DELETE FROM staff_sessions WHERE tenant_id = ? AND staff_id = ?",
                "DELETE FROM staff WHERE tenant_id = ? AND id = ?");
    }

    /** The member is made support: the role lacks the permission. */
    @Test
    void staffWhenDemotedWhileTheirImpersonationWaitsThen403AndNoSession() throws Exception {
        refusedWhenTheMemberChangesMeanwhile(403, "insufficient_scope",
                "UPDATE staff SET role = 'support' WHERE tenant_id = ? AND id = ?");
    }

    /** A start the member's own session makes with nothing changing meanwhile goes on after the wait. */
    @Test
    void staffWhenTheirRowIsHeldByNoChangeThenTheImpersonationStartsAfterTheWait() throws Exception {
        var member = member();

        Api.Res answer = Impersonations.startWhileTheMemberChanges(server, member.token(), member.customer(),
                member.id());

        answer.expect(201);
        assertThat(answer.str("impersonated_by")).isEqualTo(member.id());
    }

    @Test
    void staffWhenRemovedThenTheirImpersonationEnds() {
        memberChange("staff_removed", (shop, id) -> api.delete("/v1/admin/staff/" + id)
                .bearer(StaffFixtures.ownerToken(api, shop)).send().expect(204));
    }

    @Test
    void staffWhenDemotedToSupportThenTheirImpersonationEnds() {
        memberChange("staff_role_changed", (shop, id) -> api.patch("/v1/admin/staff/" + id)
                .bearer(StaffFixtures.ownerToken(api, shop)).body(Map.of("role", "support")).send().expect(200));
    }

    @Test
    void staffWhenPasswordSetByAnOwnerThenTheirImpersonationEnds() {
        memberChange("staff_password_set", (shop, id) -> api.post("/v1/admin/staff/" + id + "/password")
                .bearer(StaffFixtures.ownerToken(api, shop)).body(Map.of("new_password", "An0ther-Long-Passphrase"))
                .send().expect(204));
    }

    @Test
    void keyWhenRevokedThenItsImpersonationEndsInTheRevocationsOnePublication() {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);
        var created = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret")).send()
                .expect(201);
        var byKey = Impersonations.start(api, created.str("key"), customer);
        var byFirstKey = Impersonations.start(api, tenant.sk(), customer);
        Impersonations.assertLive(api, byKey);
        List<Invalidation> published = Publications.of(server, tenant.id());

        api.delete("/v1/admin/api-keys/" + created.str("id")).bearer(tenant.sk()).send().expect(204);

        assertThat(published).extracting(Invalidation::kind)
                .containsExactly(Invalidation.Kind.API_KEY, Invalidation.Kind.SESSION);
        assertThat(published.get(1).key()).isEqualTo(byKey.sessionId());
        Impersonations.assertEnded(api, customer, byKey, "api_key_revoked");
        Impersonations.assertLive(api, byFirstKey);
        api.get("/v1/admin/settings").bearer(created.str("key")).send().expect(401);
    }

    /**
     * A key revoked while its impersonation waits to begin: the start reads the key again under the tenant's lock,
     * which the revocation holds, and answers as the key's next request would, starting nothing the revocation missed.
     */
    @Test
    void keyWhenRevokedWhileItsImpersonationWaitsThen401AndNoSession() throws Exception {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);
        var created = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret")).send()
                .expect(201);

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE tenants SET name = name WHERE id = ?", tenant.id()),
                () -> api.post("/v1/admin/customers/" + customer.customerId() + "/impersonation")
                        .bearer(created.str("key")).send(),
                new RowLocks.Sql("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                        tenant.id(), created.str("id")));

        answer.expect(401, "invalid_api_key");
        assertThat(api.get("/v1/admin/customers/" + customer.customerId() + "/sessions").bearer(tenant.sk()).send()
                .expect(200).body().path("data")).hasSize(1);
    }

    @Test
    void settingWhenTurnedOffThenEveryImpersonationOfTheShopEndsAndNoOtherShops() {
        var shop = StaffFixtures.shop(api, ON);
        var customer = Fixtures.shopper(api, shop.tenant());
        var other = Fixtures.shopper(api, shop.tenant());
        var byOwner = Impersonations.start(api, StaffFixtures.ownerToken(api, shop), customer);
        var byKey = Impersonations.start(api, shop.tenant().sk(), other);
        var elsewhere = Fixtures.tenant(api, ON);
        var elsewhereCustomer = Fixtures.shopper(api, elsewhere);
        var inOtherShop = Impersonations.start(api, elsewhere.sk(), elsewhereCustomer);

        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("staff_impersonation", false)).send()
                .expect(200);

        Impersonations.assertEnded(api, customer, byOwner, "impersonation_disabled");
        Impersonations.assertEnded(api, other, byKey, "impersonation_disabled");
        Impersonations.assertLive(api, inOtherShop);
        api.get("/v1/me").as(customer).send().expect(200);
    }

    @Test
    void settingWhenOtherSettingsChangeThenImpersonationsGoOn() {
        var tenant = Fixtures.tenant(api, ON);
        var customer = Fixtures.shopper(api, tenant);
        var byKey = Impersonations.start(api, tenant.sk(), customer);

        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("staff_impersonation", true,
                "login_codes", true)).send().expect(200);

        Impersonations.assertLive(api, byKey);
    }
}
