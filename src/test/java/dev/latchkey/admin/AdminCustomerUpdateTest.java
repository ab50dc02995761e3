package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant reads and changes one customer. */
class AdminCustomerUpdateTest extends ApiTest {
    @Test
    void getWhenCustomerOfTenantThenCustomerElse404() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Ada"));

        var res = admin.get(shopper.customerId()).expect(200);

        assertThat(res.str("email")).isEqualTo(shopper.email());
        assertThat(res.str("first_name")).isEqualTo("Ada");
        assertThat(res.raw()).doesNotContain("password");
        admin.get("cus_unknown").expect(404, "not_found");
        admin.get("cus_" + "x".repeat(100)).expect(404, "not_found");
        admin.get("a%20b").expect(404, "not_found");
    }

    @Test
    void patchWhenProfileFieldsThenChangedVersionedAndAudited() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Ada", "phone", "+49 30 1"));
        long version = admin.get(shopper.customerId()).expect(200).body().path("version").asLong();

        var changed = admin.patch(shopper.customerId(), Map.of("last_name", "Lovelace", "phone", "",
                "accepts_marketing", true, "attributes", Map.of("tier", "gold"), "version", version)).expect(200);

        assertThat(changed.str("first_name")).isEqualTo("Ada");
        assertThat(changed.str("last_name")).isEqualTo("Lovelace");
        assertThat(changed.str("phone")).isNull();
        assertThat(changed.body().path("attributes").path("tier").asText()).isEqualTo("gold");
        assertThat(changed.str("accepts_marketing_updated_at")).isNotNull();
        assertThat(changed.body().path("version").asLong()).isEqualTo(version + 1);
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).str("last_name")).isEqualTo("Lovelace");
        JsonNode event = admin.events(shopper.customerId(), "customer.updated").get(0).path("data");
        assertThat(event.path("by").asText()).isEqualTo("admin");
        List<String> fields = new ArrayList<>();
        event.path("changed").forEach(field -> fields.add(field.asText()));
        // the consent moves with accepts_marketing, and a tool that reads either learns of the change
        assertThat(fields).containsExactlyInAnyOrder("last_name", "phone", "accepts_marketing",
                "email_marketing_consent", "attributes");
        Tokens.introspect(api, tenant, shopper.accessToken()).expect(200);
    }

    @Test
    void patchWhenAttributesHoldNumbersThenTheyComeBackAsSent() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        // beyond a double: 1e400 overflows it and 0.1 + 20 zeros + 1 rounds to 0.1
        String body = "{\"attributes\": {\"huge\": 1e400, \"exact\": 0.100000000000000000001, \"price\": 19.90}}";

        var changed = admin.patch(shopper.customerId(), body).expect(200);

        for (var res : List.of(changed, admin.get(shopper.customerId()).expect(200))) {
            JsonNode attributes = res.body().path("attributes");
            assertThat(attributes.path("huge").isNumber()).as(res.raw()).isTrue();
            assertThat(attributes.path("exact").isNumber()).isTrue();
            assertThat(res.raw()).contains("\"exact\":0.100000000000000000001").contains("\"price\":19.90");
        }
    }

    @Test
    void patchWhenAttributesEqualInAnotherMemberOrderThenNothingIsWritten() {
        String sent = "{\"tier\": \"gold\", \"tags\": [\"a\", \"b\"], \"sizes\": {\"shoe\": 42, \"shirt\": \"M\"}}";
        String shuffled = "{\"sizes\": {\"shirt\": \"M\", \"shoe\": 42}, \"tags\": [\"a\", \"b\"], \"tier\": \"gold\"}";
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var admin = new AdminCalls(api, tenant);
        JsonNode before = admin.patch(shopper.customerId(), "{\"attributes\": " + sent + "}").expect(200).body();

        var same = admin.patch(shopper.customerId(), "{\"attributes\": " + shuffled + "}").expect(200).body();

        assertThat(same).isEqualTo(before);
        assertThat(admin.events(shopper.customerId(), "customer.updated")).hasSize(1);
        long version = before.path("version").asLong();
        var otherTags = admin.patch(shopper.customerId(), Map.of("attributes",
                Map.of("tier", "gold", "tags", List.of("b", "a"), "sizes", Map.of("shoe", 42, "shirt", "M"))));
        assertThat(otherTags.expect(200).body().path("version").asLong()).isEqualTo(version + 1);
    }

    @Test
    void patchWhenVersionStaleThenConflictAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        long version = admin.get(shopper.customerId()).expect(200).body().path("version").asLong();
        api.patch("/v1/me").as(shopper).body(Map.of("first_name", "Ada")).send().expect(200);

        admin.patch(shopper.customerId(), Map.of("first_name", "Eve", "status", "disabled", "version", version))
                .expect(409, "version_conflict");

        var now = admin.get(shopper.customerId()).expect(200);
        assertThat(now.str("first_name")).isEqualTo("Ada");
        assertThat(now.str("status")).isEqualTo("active");
        Tokens.introspect(api, tenant, shopper.accessToken()).expect(200);
        admin.patch(shopper.customerId(), Map.of("first_name", "Eve", "version", version + 1)).expect(200);
    }

    @Test
    void patchWhenEmailChangedThenOldAddressToldAndUnlessVouchedForThePreviousHoldersPasswordAndSessionsEnd() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String old = Fixtures.uniqueEmail();
        String id = admin.customer(Map.of("email", old, "email_verified", true)).path("id").asText();
        var session = Fixtures.login(api, tenant, old, Fixtures.PASSWORD);
        Tokens.introspect(api, tenant, session.accessToken()).expect(200);
        String fresh = Fixtures.uniqueEmail();

        var changed = admin.patch(id, Map.of("email", "  " + fresh.toUpperCase() + " ")).expect(200);

        assertThat(changed.str("email")).isEqualTo(fresh);
        assertThat(changed.body().path("email_verified").asBoolean()).isFalse();
        // the new address may be someone else's: the previous holder's session and password do not reach it
        Tokens.introspect(api, tenant, session.accessToken()).expect(401);
        admin.login(old, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        admin.login(fresh, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        assertThat(admin.events(id, "password.removed").get(0).path("data").path("reason").asText())
                .isEqualTo("address_changed_by_merchant");
        assertThat(Outboxes.count(server, old)).isEqualTo(1);
        assertThat(admin.events(id, "email.changed")).hasSize(1);
        assertThat(admin.events(id, "customer.updated").get(0).path("data").path("changed").toString())
                .contains("email").contains("email_verified");

        // vouched for by the merchant, a new address keeps the sessions and the password, and the login uses it
        String vouchedOld = Fixtures.uniqueEmail();
        String vouched = admin.customer(Map.of("email", vouchedOld, "email_verified", true)).path("id").asText();
        var kept = Fixtures.login(api, tenant, vouchedOld, Fixtures.PASSWORD);
        String vouchedNew = Fixtures.uniqueEmail();
        admin.patch(vouched, Map.of("email", vouchedNew, "email_verified", true)).expect(200);
        assertThat(Tokens.introspect(api, tenant, kept.accessToken()).expect(200).str("email")).isEqualTo(vouchedNew);
        admin.login(vouchedOld, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        admin.login(vouchedNew, Fixtures.PASSWORD).expect(200);
        assertThat(admin.events(vouched, "password.removed")).isEmpty();
    }

    @Test
    void patchWhenEmailTakenInAnyCaseThenConflictAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);

        admin.patch(second.customerId(), Map.of("email", first.email().toUpperCase(), "first_name", "Eve"))
                .expect(409, "email_taken");

        var unchanged = admin.get(second.customerId()).expect(200);
        assertThat(unchanged.str("email")).isEqualTo(second.email());
        assertThat(unchanged.str("first_name")).isNull();
        var otherTenant = Fixtures.tenant(api);
        Fixtures.shopper(api, otherTenant);
        admin.patch(second.customerId(), Map.of("email", first.email())).expect(409, "email_taken");
    }

    /**
     * Two merchants' changes crossing: one gives customer A the address of customer B while the other, at the same
     * moment, changes B and then A (here a transaction holding B's row, then asking for A's). B's address is taken, so
     * the first change is refused at once; it must not wait for the change of B with A's row held, a deadlock that
     * PostgreSQL breaks by failing one of the two (a 500).
     */
    @Test
    void patchWhenAddressOfACustomerBeingChangedThenConflictWithoutWaiting() throws Exception {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var a = Fixtures.shopper(api, tenant);
        var b = Fixtures.shopper(api, tenant);
        String rename = "UPDATE customers SET first_name = :name WHERE tenant_id = :t AND id = :c";

        try (var pool = Executors.newSingleThreadExecutor()) {
            Future<Api.Res> crossing = server.app.database().tx(h -> {
                h.createUpdate(rename).bind("name", "Bo").bind("t", tenant.id()).bind("c", b.customerId()).execute();
                Future<Api.Res> sent = pool.submit(() -> admin.patch(a.customerId(), Map.of("email", b.email())));
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // the change of A holds A's row by now
                h.createUpdate(rename).bind("name", "Ann").bind("t", tenant.id()).bind("c", a.customerId()).execute();
                return sent;
            });
            crossing.get().expect(409, "email_taken");
        }
        var unchanged = admin.get(a.customerId()).expect(200);
        assertThat(unchanged.str("email")).isEqualTo(a.email());
        assertThat(unchanged.str("first_name")).isEqualTo("Ann");
    }

    @Test
    void patchWhenVerifiedThenGuestOrdersOfTheAddressAttach() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        String number = Fixtures.uniqueId("R");
        admin.order(number, shopper.email(), null);
        assertThat(api.get("/v1/me/orders").as(shopper).send().expect(200).body().path("data")).isEmpty();

        var verified = admin.patch(shopper.customerId(), Map.of("email_verified", true)).expect(200);

        assertThat(verified.body().path("email_verified").asBoolean()).isTrue();
        assertThat(api.get("/v1/me/orders").as(shopper).send().expect(200).body().path("data").get(0)
                .path("number").asText()).isEqualTo(number);
        assertThat(admin.events(shopper.customerId(), "email.verified")).hasSize(1);
        var unverified = admin.patch(shopper.customerId(), Map.of("email_verified", false)).expect(200);
        assertThat(unverified.body().path("email_verified").asBoolean()).isFalse();
    }

    @Test
    void patchWhenFieldsInvalidReadOnlyOrNullThen422AndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        Map<String, Object> body = new HashMap<>();
        body.put("id", "cus_mine");
        body.put("password", Fixtures.PASSWORD);
        body.put("password_hash", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        body.put("created_at", "2020-01-01T00:00:00Z");
        body.put("email", null);
        body.put("email_verified", null);
        body.put("status", null);
        body.put("first_name", "Eve");
        body.put("phone", "call me maybe");
        body.put("version", 0);

        var res = admin.patch(shopper.customerId(), body).expect(422, "validation_failed");

        assertThat(Problems.fieldErrors(res)).contains("id:read_only", "password:read_only",
                "password_hash:read_only", "created_at:read_only", "email:invalid_type", "email_verified:invalid_type",
                "status:invalid_type", "phone:invalid", "version:out_of_range");
        Problems.assertInvalid(admin.patch(shopper.customerId(), Map.of("status", "banned")), "status", "invalid");
        Problems.assertInvalid(admin.patch(shopper.customerId(), Map.of("email", "nope")), "email", "invalid");
        Problems.assertInvalid(admin.patch(shopper.customerId(), Map.of("email_verified", "yes")), "email_verified",
                "invalid_type");
        Problems.assertInvalid(admin.patch(shopper.customerId(), Map.of("first_name", "x".repeat(101))), "first_name",
                "too_long");
        admin.patch(shopper.customerId(), "{\"first_name\": ").expect(400, "malformed_json");
        admin.patch(shopper.customerId(), "[1]").expect(400, "malformed_json");
        var unchanged = admin.get(shopper.customerId()).expect(200);
        assertThat(unchanged.str("first_name")).isNull();
        assertThat(unchanged.str("status")).isEqualTo("active");
        admin.login(shopper.email(), shopper.password()).expect(200);
    }

    @Test
    void patchWhenUnknownCustomerThen404() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        admin.patch("cus_unknown", Map.of("first_name", "Eve")).expect(404, "not_found");
        admin.patch("cus_unknown", Map.of("status", "banned")).expect(422, "validation_failed");
    }
}
