package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/admin/customers/bulk}: tags and status of many customers at once, all or nothing. */
class AdminCustomerBulkTest extends ApiTest {
    /** A bcrypt hash, so that making many customers hashes no password. */
    private static final String IMPORTED_HASH = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }

    private Api.Res bulk(Fixtures.Tenant tenant, Object body) {
        return api.post("/v1/admin/customers/bulk").bearer(tenant.sk()).body(body).send();
    }

    private static String id(JsonNode customer) {
        return customer.path("id").asText();
    }

    private static long version(AdminCalls admin, String id) {
        return admin.get(id).expect(200).body().path("version").asLong();
    }

    @Test
    void tagsWhenAddedAndRemovedThenEachCustomerChangedOnceAndAuditedAsASingleChange() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String vip = id(admin.customer(Map.of("tags", List.of("vip", "old"))));
        String plain = id(admin.customer(Map.of()));
        String done = id(admin.customer(Map.of("tags", List.of("VIP", "Berlin"))));

        JsonNode res = bulk(tenant, Map.of("ids", List.of(vip, plain, done), "add_tags", List.of("VIP", "berlin"),
                "remove_tags", List.of("OLD"))).expect(200).body();

        assertThat(res.path("changed").asInt()).isEqualTo(2);
        assertThat(texts(res.path("unchanged_ids"))).containsExactly(done);
        List<String> answered = new ArrayList<>();
        res.path("customers").forEach(c -> answered.add(id(c)));
        assertThat(answered).containsExactlyInAnyOrder(vip, plain).isSorted();
        assertThat(texts(admin.get(vip).expect(200).body().path("tags"))).containsExactly("berlin", "vip");
        assertThat(texts(admin.get(plain).expect(200).body().path("tags"))).containsExactly("berlin", "VIP");
        assertThat(version(admin, vip)).isEqualTo(2);
        assertThat(version(admin, done)).isEqualTo(1);
        for (String id : List.of(vip, plain)) {
            JsonNode events = admin.events(id, "customer.updated");
            assertThat(events).hasSize(1);
            assertThat(texts(events.get(0).path("data").path("changed"))).containsExactly("tags");
        }
        assertThat(admin.events(done, "customer.updated")).isEmpty();

        // the same again changes nothing and records nothing
        JsonNode again = bulk(tenant, Map.of("ids", List.of(vip, plain), "add_tags", List.of("vip"))).expect(200)
                .body();
        assertThat(again.path("changed").asInt()).isZero();
        assertThat(again.path("customers")).isEmpty();
        assertThat(texts(again.path("unchanged_ids"))).containsExactly(vip, plain);
        assertThat(version(admin, vip)).isEqualTo(2);
        assertThat(admin.events(vip, "customer.updated")).hasSize(1);

        JsonNode removed = bulk(tenant, Map.of("ids", List.of(plain), "remove_tags", List.of("Berlin", "absent")))
                .expect(200).body();
        assertThat(texts(removed.path("customers").get(0).path("tags"))).containsExactly("VIP");
    }

    @Test
    void statusWhenDisabledWithATagThenSessionsEndEverywhereAndEachCustomerHasBothEvents() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        String already = id(admin.customer(Map.of("status", "disabled", "tags", List.of("fraud"))));
        api.get("/v1/me").key(tenant.pk()).bearer(first.accessToken()).send().expect(200);

        JsonNode res = bulk(tenant, Map.of("ids", List.of(first.customerId(), second.customerId(), already),
                "status", "disabled", "add_tags", List.of("fraud"))).expect(200).body();

        assertThat(res.path("changed").asInt()).isEqualTo(2);
        assertThat(texts(res.path("unchanged_ids"))).containsExactly(already);
        res.path("customers").forEach(c -> assertThat(c.path("status").asText()).isEqualTo("disabled"));
        for (var shopper : List.of(first, second)) {
            api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
            api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", shopper.refreshToken()))
                    .send().expect(401);
            admin.login(shopper.email(), shopper.password()).expect(403, "account_disabled");
            JsonNode status = admin.events(shopper.customerId(), "customer.status_changed");
            assertThat(status).hasSize(1);
            assertThat(status.get(0).path("data").path("from").asText()).isEqualTo("active");
            assertThat(status.get(0).path("data").path("to").asText()).isEqualTo("disabled");
            assertThat(status.get(0).path("data").path("sessions_revoked").asInt()).isEqualTo(1);
            assertThat(texts(admin.events(shopper.customerId(), "customer.updated").get(0).path("data")
                    .path("changed"))).containsExactly("tags");
        }
        assertThat(admin.events(already, "customer.status_changed")).isEmpty();

        // and back: re-activated, they log in again
        bulk(tenant, Map.of("ids", List.of(first.customerId()), "status", "active")).expect(200);
        admin.login(first.email(), first.password()).expect(200);
    }

    @Test
    void webhooksWhenManyChangedAtOnceThenEachEventOfTheAuditLogIsDeliveredOnceAsRecorded() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            api.post("/v1/admin/webhooks").bearer(tenant.sk()).body(Map.of("url", receiver.url(),
                    "events", List.of("customer.updated", "customer.status_changed"))).send().expect(201);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(Fixtures.shopper(api, tenant).customerId());
            }

            bulk(tenant, Map.of("ids", ids, "status", "on_hold", "add_tags", List.of("review"))).expect(200);

            receiver.await("customer.updated", 3);
            receiver.await("customer.status_changed", 3);
            for (String id : ids) {
                JsonNode updated = admin.events(id, "customer.updated").get(0);
                JsonNode status = admin.events(id, "customer.status_changed").get(0);
                // recorded in the order a single change records them
                assertThat(updated.path("created_at").asText()).isLessThanOrEqualTo(status.path("created_at").asText());
                for (JsonNode recorded : List.of(updated, status)) {
                    List<JsonNode> sent = receiver.all().stream().map(WebhookReceiver.Received::json)
                            .filter(event -> event.path("id").asText().equals(recorded.path("id").asText())).toList();
                    assertThat(sent).hasSize(1);
                    assertThat(sent.get(0).path("customer_id").asText()).isEqualTo(id);
                    assertThat(sent.get(0).path("data")).isEqualTo(recorded.path("data"));
                }
            }
            assertThat(receiver.all()).hasSize(6);
        }
    }

    /**
     * One invalidation per changed customer, published once after the commit, is all every node needs to forget the
     * customer's profile and tokens: a status that ends sessions publishes no second and third one for them.
     */
    @Test
    void statusWhenDisabledThenEachChangedCustomerIsPublishedOnceAndTheirTokensFailAtOnce() {
        var tenant = Fixtures.tenant(api);
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        List<String> published = new CopyOnWriteArrayList<>();
        server.app.invalidations().subscribe(invalidation -> {
            if (invalidation.kind() == Invalidation.Kind.CUSTOMER && invalidation.tenantId().equals(tenant.id())) {
                published.add(invalidation.key());
            }
        });
        api.get("/v1/me").key(tenant.pk()).bearer(first.accessToken()).send().expect(200);

        bulk(tenant, Map.of("ids", List.of(first.customerId(), second.customerId()), "status", "disabled",
                "add_tags", List.of("fraud"))).expect(200);

        assertThat(published).containsExactlyInAnyOrder(first.customerId(), second.customerId());
        api.get("/v1/me").key(tenant.pk()).bearer(first.accessToken()).send().expect(401, "invalid_token");
    }

    /**
     * A session that begins while the change waits to lock the customer's sessions is ended with them, and
     * {@code sessions_revoked} counts it: the count is what the change ended, not what it had locked.
     */
    @Test
    void statusWhenASessionBeginsWhileTheChangeLocksSessionsThenItEndsTooAndIsCounted() throws Exception {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE sessions SET last_used_at = last_used_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.sessionId()),
                () -> bulk(tenant, Map.of("ids", List.of(shopper.customerId()), "status", "disabled")),
                new RowLocks.Sql("INSERT INTO sessions (tenant_id, id, customer_id, kind, created_at, last_used_at, "
                        + "expires_at) VALUES (?, ?, ?, 'customer', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP + INTERVAL '1' DAY)", tenant.id(),
                        "ses_" + UUID.randomUUID().toString().replace("-", ""), shopper.customerId()));

        answer.expect(200);
        JsonNode status = admin.events(shopper.customerId(), "customer.status_changed").get(0).path("data");
        assertThat(status.path("sessions_revoked").asInt()).isEqualTo(2);
        assertThat(api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(tenant.sk()).send()
                .expect(200).body().path("data")).isEmpty();
    }

    @Test
    void statusWhenActiveThenPendingAccountsAreActivated() {
        var tenant = Fixtures.tenant(api, Map.of("require_activation", true));
        String email = Fixtures.uniqueEmail();
        String pending = api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", email, "password", Fixtures.PASSWORD)).send().expect(201)
                .body().path("customer").path("id").asText();
        var admin = new AdminCalls(api, tenant);
        admin.login(email, Fixtures.PASSWORD).expect(403, "account_pending_activation");

        JsonNode res = bulk(tenant, Map.of("ids", List.of(pending), "status", "active")).expect(200).body();

        assertThat(res.path("customers").get(0).path("status").asText()).isEqualTo("active");
        admin.login(email, Fixtures.PASSWORD).expect(200);
        JsonNode event = admin.events(pending, "customer.status_changed").get(0).path("data");
        assertThat(event.path("from").asText()).isEqualTo("pending_activation");
        assertThat(event.path("sessions_revoked").asInt()).isZero();
    }

    @Test
    void idsWhenAnyUnknownOrAnotherTenantsThenRefusedNamingThemAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        String mine = id(admin.customer(Map.of("tags", List.of("keep"))));
        String foreign = id(new AdminCalls(api, other).customer(Map.of()));

        var unknown = bulk(tenant, Map.of("ids", List.of(mine, "cus_unknown", shopper.customerId()),
                "add_tags", List.of("x"), "status", "disabled"));
        Problems.assertInvalid(unknown, "ids", "not_found");
        assertThat(unknown.raw()).contains("cus_unknown").doesNotContain(mine);
        var theirs = bulk(tenant, Map.of("ids", List.of(mine, foreign), "add_tags", List.of("x")));
        Problems.assertInvalid(theirs, "ids", "not_found");
        assertThat(theirs.raw()).contains(foreign);
        // another tenant's key on this tenant's customers
        Problems.assertInvalid(bulk(other, Map.of("ids", List.of(mine), "add_tags", List.of("x"))), "ids",
                "not_found");

        assertThat(version(admin, mine)).isEqualTo(1);
        assertThat(texts(admin.get(mine).expect(200).body().path("tags"))).containsExactly("keep");
        assertThat(admin.events(mine, "customer.updated")).isEmpty();
        api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        assertThat(new AdminCalls(api, other).get(foreign).expect(200).body().path("tags")).isEmpty();
    }

    @Test
    void tagsWhenAnyCustomerWouldHaveMoreThan250ThenRefusedNamingItAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> most = IntStream.range(0, 250).mapToObj(i -> "t" + i).toList();
        String full = id(admin.customer(Map.of("tags", most)));
        String plain = id(admin.customer(Map.of()));

        var res = bulk(tenant, Map.of("ids", List.of(plain, full), "add_tags", List.of("one-more")));

        Problems.assertInvalid(res, "add_tags", "too_long");
        assertThat(res.raw()).contains(full).doesNotContain(plain);
        assertThat(admin.get(plain).expect(200).body().path("tags")).isEmpty();
        assertThat(version(admin, plain)).isEqualTo(1);
        // making room in the same change is fine
        assertThat(bulk(tenant, Map.of("ids", List.of(plain, full), "add_tags", List.of("one-more"),
                "remove_tags", List.of("t0"))).expect(200).body().path("changed").asInt()).isEqualTo(2);
        assertThat(admin.get(full).expect(200).body().path("tags").size()).isEqualTo(250);
    }

    @Test
    void bodyWhenMalformedOrOutOfBoundsThenRefusedWithTheFieldAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String id = id(admin.customer(Map.of()));
        List<String> ids = List.of(id);

        Problems.assertInvalid(bulk(tenant, Map.of("add_tags", List.of("x"))), "ids", "required");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", List.of(), "add_tags", List.of("x"))), "ids", "too_short");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", id, "add_tags", List.of("x"))), "ids", "invalid_type");
        Problems.assertInvalid(bulk(tenant, "{\"ids\": null, \"add_tags\": [\"x\"]}"), "ids", "invalid_type");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", List.of(1), "add_tags", List.of("x"))), "ids",
                "invalid_type");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", List.of("cus/../x"), "add_tags", List.of("x"))), "ids",
                "invalid");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", List.of(id, id), "add_tags", List.of("x"))), "ids",
                "duplicate");
        List<String> tooMany = IntStream.range(0, 251).mapToObj(i -> "cus_" + i).toList();
        Problems.assertInvalid(bulk(tenant, Map.of("ids", tooMany, "add_tags", List.of("x"))), "ids", "too_long");
        // an action is needed, and an empty one is none
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids)), "add_tags", "required");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "add_tags", List.of(), "remove_tags", List.of())),
                "add_tags", "required");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "add_tags", "x")), "add_tags", "invalid_type");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "remove_tags", List.of(7))), "remove_tags",
                "invalid_type");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "add_tags", List.of("a,b"))), "add_tags", "invalid");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "add_tags", List.of("t".repeat(256)))), "add_tags",
                "too_long");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "add_tags", List.of("a"), "remove_tags",
                List.of("A"))), "remove_tags", "invalid");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "status", "gone")), "status", "invalid");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "status", 5)), "status", "invalid_type");
        Map<String, Object> nullStatus = new HashMap<>(Map.of("ids", ids));
        nullStatus.put("status", null);
        Problems.assertInvalid(bulk(tenant, nullStatus), "status", "invalid_type");
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "tags", List.of("x"))), "tags", "unknown_field");
        // one bad field refuses the whole change
        Problems.assertInvalid(bulk(tenant, Map.of("ids", ids, "status", "disabled", "add_tags", List.of(" "))),
                "add_tags", "invalid");
        bulk(tenant, "{\"ids\": [").expect(400, "malformed_json");
        bulk(tenant, "[]").expect(400);
        api.post("/v1/admin/customers/bulk").key(tenant.pk()).body(Map.of("ids", ids, "status", "disabled"))
                .send().expect(401);
        String viewer = api.post("/v1/admin/api-keys").bearer(tenant.sk())
                .body(Map.of("kind", "secret", "scopes", List.of("view_customers"))).send().expect(201).str("key");
        api.post("/v1/admin/customers/bulk").bearer(viewer).body(Map.of("ids", ids, "status", "disabled"))
                .send().expect(403, "insufficient_scope");

        JsonNode unchanged = admin.get(id).expect(200).body();
        assertThat(unchanged.path("version").asLong()).isEqualTo(1);
        assertThat(unchanged.path("status").asText()).isEqualTo("active");
    }

    @Test
    void manyWhen250CustomersThenAllChangedInOneRequest() {
        var tenant = Fixtures.tenant(api);
        List<Callable<Api.Res>> creations = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            creations.add(() -> api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email",
                    Fixtures.uniqueEmail(), "password_hash", IMPORTED_HASH)).send());
        }
        List<String> ids = new ArrayList<>();
        for (List<Callable<Api.Res>> part : List.of(creations.subList(0, 125), creations.subList(125, 250))) {
            Concurrently.all(part).forEach(res -> ids.add(res.expect(201).str("id")));
        }

        long started = System.nanoTime();
        JsonNode res = bulk(tenant, Map.of("ids", ids, "add_tags", List.of("campaign"), "status", "on_hold"))
                .expect(200).body();
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.println("bulk change of 250 customers (tag and status): " + millis + " ms");
        assertThat(res.path("changed").asInt()).isEqualTo(250);
        var admin = new AdminCalls(api, tenant);
        assertThat(admin.walk("tag=campaign&status=on_hold", 100)).hasSize(250);
        assertThat(admin.events(ids.get(123), "customer.status_changed")).hasSize(1);
    }

    @Test
    void bulkWhenSinglePatchesOfTheSameCustomersAtOnceThenEveryChangeStays() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(id(admin.customer(Map.of())));
        }
        List<String> reversed = new ArrayList<>(ids.reversed());
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String tag = "bulk-" + i;
            List<String> order = i % 2 == 0 ? ids : reversed;
            calls.add(() -> bulk(tenant, Map.of("ids", order, "add_tags", List.of(tag))));
        }
        for (String id : ids) {
            calls.add(() -> api.post("/v1/admin/customers/" + id + "/tags").bearer(tenant.sk())
                    .body(Map.of("add", List.of("single"))).send());
            calls.add(() -> admin.patch(id, Map.of("status", "on_hold")));
        }

        Concurrently.all(calls).forEach(res -> res.expect(200));

        for (String id : ids) {
            JsonNode after = admin.get(id).expect(200).body();
            assertThat(texts(after.path("tags"))).containsExactly("bulk-0", "bulk-1", "bulk-2", "bulk-3", "single");
            assertThat(after.path("status").asText()).isEqualTo("on_hold");
            // one version per change, one event per change: none was lost or merged
            assertThat(after.path("version").asLong()).isEqualTo(7);
            assertThat(admin.events(id, "customer.updated")).hasSize(5);
            assertThat(admin.events(id, "customer.status_changed")).hasSize(1);
        }
    }
}
