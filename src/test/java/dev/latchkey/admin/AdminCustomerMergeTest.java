package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merchant merges a duplicate customer into the one kept: orders, addresses, tags, note and attributes move; the
 * duplicate is erased with every way into it, and nothing at all changes when the merge is refused.
 */
class AdminCustomerMergeTest extends ApiTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Api.Res merge(Fixtures.Tenant tenant, String keptId, Object body) {
        return api.post("/v1/admin/customers/" + keptId + "/merge").bearer(tenant.sk()).body(body).send();
    }

    private Api.Res merge(Fixtures.Tenant tenant, String keptId, String sourceId) {
        return merge(tenant, keptId, Map.of("source_id", sourceId));
    }

    private JsonNode address(Fixtures.Shopper shopper, String line1, String defaultType) {
        JsonNode address = Fixtures.address(api, shopper, Map.of("line1", line1));
        if (defaultType != null) {
            api.post("/v1/me/addresses/" + address.path("id").asText() + "/default").as(shopper)
                    .body(Map.of("type", defaultType)).send().expect(200);
        }
        return address;
    }

    private List<String> orderNumbers(Fixtures.Tenant tenant, String customerId) {
        List<String> numbers = new ArrayList<>();
        api.get("/v1/admin/customers/" + customerId + "/orders").bearer(tenant.sk()).send().expect(200).body()
                .path("data").forEach(order -> numbers.add(order.path("number").asText()));
        return numbers;
    }

    private List<String> lines1(Fixtures.Tenant tenant, String customerId) {
        List<String> lines = new ArrayList<>();
        api.get("/v1/admin/customers/" + customerId + "/addresses").bearer(tenant.sk()).send().expect(200).body()
                .path("data").forEach(address -> lines.add(address.path("line1").asText()));
        return lines;
    }

    @Test
    void mergeWhenDuplicateThenEverythingMovesAndTheDuplicateIsErased() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var kept = Fixtures.shopper(api, tenant, Map.of("attributes", Map.of("tier", "gold", "size", "M")));
        var source = Fixtures.shopper(api, tenant, Map.of("attributes", Map.of("tier", "silver", "newsletter", "weekly")));
        var sourceLaptop = Fixtures.login(api, tenant, source.email(), source.password());
        String keptHome = address(kept, "Unter den Linden 1", "shipping").path("id").asText();
        address(source, "unter den linden 1", null); // the kept customer's home, in other letters
        String sourceOffice = address(source, "Friedrichstrasse 100", "both").path("id").asText();
        admin.patch(kept.customerId(), Map.of("tags", List.of("vip"), "note", "Prefers DHL.")).expect(200);
        admin.patch(source.customerId(), Map.of("tags", List.of("VIP", "wholesale"), "note", "Guest checkout in May.",
                "email_verified", true)).expect(200);
        String keptOrder = Fixtures.uniqueId("K");
        String sourceOrder = Fixtures.uniqueId("S");
        String sourceGuestOrder = Fixtures.uniqueId("G");
        admin.order(keptOrder, kept.email(), kept.customerId());
        admin.order(sourceOrder, source.email(), source.customerId());
        admin.order(sourceGuestOrder, source.email(), null); // follows the verified address to the source
        String webhook = api.post("/v1/admin/webhooks").bearer(tenant.sk()).body(Map.of("url",
                "http://127.0.0.1:9/hooks", "events", List.of("customer.merged", "customer.deleted"))).send()
                .expect(201).str("id");

        JsonNode merged = merge(tenant, kept.customerId(), source.customerId()).expect(200).body();

        assertThat(merged.path("id").asText()).isEqualTo(kept.customerId());
        assertThat(merged.path("email").asText()).isEqualTo(kept.email());
        assertThat(merged.path("tags")).extracting(JsonNode::asText).containsExactly("vip", "wholesale");
        assertThat(merged.path("note").asText()).isEqualTo("Prefers DHL.\n\nGuest checkout in May.");
        assertThat(merged.path("attributes")).isEqualTo(MAPPER.valueToTree(
                Map.of("tier", "gold", "size", "M", "newsletter", "weekly")));
        assertThat(merged.path("default_shipping_address_id").asText()).isEqualTo(keptHome);
        assertThat(merged.path("default_billing_address_id").asText()).isEqualTo(sourceOffice);
        assertThat(lines1(tenant, kept.customerId()))
                .containsExactly("Unter den Linden 1", "Friedrichstrasse 100");
        assertThat(orderNumbers(tenant, kept.customerId()))
                .containsExactlyInAnyOrder(keptOrder, sourceOrder, sourceGuestOrder);

        admin.get(source.customerId()).expect(404, "not_found");
        Tokens.assertRefused(api, tenant, source.accessToken());
        Tokens.assertRefused(api, tenant, sourceLaptop.accessToken());
        Tokens.refresh(api, tenant, sourceLaptop.refreshToken()).expect(401, "invalid_token");
        admin.login(source.email(), source.password()).expect(401, "invalid_credentials");
        Tokens.introspect(api, tenant, kept.accessToken()).expect(200);
        admin.login(kept.email(), kept.password()).expect(200);

        JsonNode event = admin.events(kept.customerId(), "customer.merged").get(0).path("data");
        assertThat(event).isEqualTo(MAPPER.valueToTree(Map.of("by", "admin", "source_id", source.customerId(),
                "orders_moved", 2, "addresses_moved", 1, "addresses_skipped", 1, "tags_added", 1,
                "note_appended", true, "attributes_added", 1)));
        assertThat(event.toString()).doesNotContain(source.email());
        assertThat(admin.events(source.customerId(), "customer.deleted").get(0).path("data").path("by").asText())
                .isEqualTo("admin");
        List<String> delivered = new ArrayList<>();
        api.get("/v1/admin/webhooks/" + webhook + "/deliveries").bearer(tenant.sk()).send().expect(200).body()
                .path("data").forEach(delivery -> delivered.add(delivery.path("event_type").asText()));
        assertThat(delivered).containsExactlyInAnyOrder("customer.merged", "customer.deleted");
    }

    /** The merge writes both customers' rows and ends the duplicate's sessions: each customer is published once. */
    @Test
    void mergeThenEachCustomerIsPublishedOnce() {
        var tenant = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.shopper(api, tenant, Map.of("attributes", Map.of("newsletter", "weekly")));
        Fixtures.login(api, tenant, source.email(), source.password());
        address(source, "Friedrichstrasse 100", "both");
        new AdminCalls(api, tenant).patch(source.customerId(), Map.of("tags", List.of("wholesale"))).expect(200);
        List<Invalidation> published = Publications.of(server, tenant.id());

        merge(tenant, kept.customerId(), source.customerId()).expect(200);

        assertThat(published).containsExactlyInAnyOrder(
                new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(), kept.customerId()),
                new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(), source.customerId()));
        api.get("/v1/me").as(source).send().expect(401, "invalid_token");
    }

    @Test
    void mergeWhenTheKeptCustomersTagsNoteOrAttributesChangeThenRecordedAsTheirUpdateAsASingleChangeIs() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.shopper(api, tenant, Map.of("attributes", Map.of("newsletter", "weekly")));
        var plain = Fixtures.shopper(api, tenant);
        admin.patch(source.customerId(), Map.of("tags", List.of("wholesale"), "note", "Guest checkout in May."))
                .expect(200);
        int updatesBefore = admin.events(kept.customerId(), "customer.updated").size();

        merge(tenant, kept.customerId(), source.customerId()).expect(200);

        // a tool that follows customer.updated (a CRM's tags) hears of the change as it does of a PATCH
        JsonNode updates = admin.events(kept.customerId(), "customer.updated");
        assertThat(updates).hasSize(updatesBefore + 1);
        assertThat(updates.get(0).path("data").path("changed")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("attributes", "tags", "note");

        merge(tenant, kept.customerId(), plain.customerId()).expect(200); // brings nothing of the kind
        assertThat(admin.events(kept.customerId(), "customer.updated")).hasSize(updatesBefore + 1);
    }

    @Test
    void mergeWhenKeptHasNoDefaultsThenTheSourcesFillThem() {
        var tenant = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.shopper(api, tenant);
        String home = address(kept, "Unter den Linden 1", null).path("id").asText();
        address(source, "UNTER DEN LINDEN 1", "shipping");

        JsonNode merged = merge(tenant, kept.customerId(), source.customerId()).expect(200).body();

        // the source's default was the kept customer's address already: that one becomes the default
        assertThat(merged.path("default_shipping_address_id").asText()).isEqualTo(home);
        assertThat(merged.path("default_billing_address_id").isNull()).isTrue();
        assertThat(lines1(tenant, kept.customerId())).containsExactly("Unter den Linden 1");
    }

    /** A refused merge changes neither customer: everything is read again and compared. */
    private void assertRefusedUnchanged(Fixtures.Tenant tenant, Fixtures.Shopper kept, Fixtures.Shopper source,
                                        Runnable refusedMerge) {
        var admin = new AdminCalls(api, tenant);
        String keptBefore = admin.get(kept.customerId() + "?expand=addresses").expect(200).raw();
        String sourceBefore = admin.get(source.customerId() + "?expand=addresses").expect(200).raw();
        List<String> sourceOrders = orderNumbers(tenant, source.customerId());

        refusedMerge.run();

        assertThat(admin.get(kept.customerId() + "?expand=addresses").expect(200).raw()).isEqualTo(keptBefore);
        assertThat(admin.get(source.customerId() + "?expand=addresses").expect(200).raw()).isEqualTo(sourceBefore);
        assertThat(orderNumbers(tenant, source.customerId())).isEqualTo(sourceOrders);
        Tokens.introspect(api, tenant, source.accessToken()).expect(200);
        assertThat(admin.events(kept.customerId(), "customer.merged")).isEmpty();
    }

    private void withOrder(Fixtures.Tenant tenant, Fixtures.Shopper shopper) {
        new AdminCalls(api, tenant).order(Fixtures.uniqueId("O"), shopper.email(), shopper.customerId());
    }

    @Test
    void mergeWhenTheAddressBookWouldOverflowThenRefusedAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.shopper(api, tenant);
        IntStream.range(0, 99).forEach(i -> address(kept, "Kept street " + i, null));
        address(source, "Kept street 0", null); // a duplicate does not count
        address(source, "Source street 1", null);
        address(source, "Source street 2", null);
        withOrder(tenant, source);

        assertRefusedUnchanged(tenant, kept, source, () -> assertThat(merge(tenant, kept.customerId(),
                source.customerId()).expect(422, "merge_limit_exceeded").str("detail")).contains("101 addresses"));
    }

    @Test
    void mergeWhenTagsOrNoteWouldBeTooLongThenRefusedAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.shopper(api, tenant);
        admin.patch(kept.customerId(), Map.of("tags", IntStream.range(0, 200).mapToObj(i -> "k" + i).toList()))
                .expect(200);
        admin.patch(source.customerId(), Map.of("tags", IntStream.range(0, 60).mapToObj(i -> "s" + i).toList()))
                .expect(200);
        address(source, "Source street 1", "both");
        withOrder(tenant, source);

        assertRefusedUnchanged(tenant, kept, source, () -> assertThat(merge(tenant, kept.customerId(),
                source.customerId()).expect(422, "merge_limit_exceeded").str("detail")).contains("260 tags"));

        admin.patch(source.customerId(), Map.of("tags", List.of(), "note", "n".repeat(2600))).expect(200);
        admin.patch(kept.customerId(), Map.of("note", "k".repeat(2600))).expect(200);
        assertRefusedUnchanged(tenant, kept, source, () -> assertThat(merge(tenant, kept.customerId(),
                source.customerId()).expect(422, "merge_limit_exceeded").str("detail")).contains("5000"));
    }

    @Test
    void mergeWhenAttributesWouldBeTooLargeThenRefusedAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant, Map.of("attributes", Map.of("kept", "k".repeat(9000))));
        var source = Fixtures.shopper(api, tenant, Map.of("attributes", Map.of("source", "s".repeat(9000))));

        assertRefusedUnchanged(tenant, kept, source, () -> assertThat(merge(tenant, kept.customerId(),
                source.customerId()).expect(422, "merge_limit_exceeded").str("detail")).contains("attributes"));
    }

    @Test
    void mergeWhenAnotherTenantsOrUnknownIdThen404AndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant);
        var stranger = Fixtures.shopper(api, other);

        merge(tenant, kept.customerId(), stranger.customerId()).expect(404, "not_found");
        merge(tenant, stranger.customerId(), kept.customerId()).expect(404, "not_found");
        merge(tenant, kept.customerId(), "cus_unknown").expect(404, "not_found");
        merge(tenant, "cus_unknown", kept.customerId()).expect(404, "not_found");

        Tokens.introspect(api, tenant, kept.accessToken()).expect(200);
        Tokens.introspect(api, other, stranger.accessToken()).expect(200);
        new AdminCalls(api, other).get(stranger.customerId()).expect(200);
    }

    @Test
    void mergeWhenBadBodyThen422NamingSourceId() {
        var tenant = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant);

        Problems.assertInvalid(merge(tenant, kept.customerId(), kept.customerId()), "source_id", "invalid");
        Problems.assertInvalid(merge(tenant, kept.customerId(), Map.of()), "source_id", "required");
        Problems.assertInvalidField(merge(tenant, kept.customerId(), Map.of("source_id", 42)), "source_id");
        Problems.assertInvalidField(merge(tenant, kept.customerId(), Map.of("source_id", List.of("cus_x"))),
                "source_id");
        api.post("/v1/admin/customers/" + kept.customerId() + "/merge").bearer(tenant.sk()).body("{\"source_id\":")
                .send().expect(400, "malformed_json");

        Tokens.introspect(api, tenant, kept.accessToken()).expect(200);
    }

    @Test
    void mergeWhenKeyLacksDeleteOrEditScopeThen403() {
        var tenant = Fixtures.tenant(api);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.shopper(api, tenant);
        for (String scope : List.of("edit_customers", "delete_customers")) {
            String key = api.post("/v1/admin/api-keys").bearer(tenant.sk())
                    .body(Map.of("kind", "secret", "scopes", List.of(scope, "view_customers"))).send().expect(201)
                    .str("key");
            api.post("/v1/admin/customers/" + kept.customerId() + "/merge").bearer(key)
                    .body(Map.of("source_id", source.customerId())).send().expect(403, "insufficient_scope");
        }
        Tokens.introspect(api, tenant, source.accessToken()).expect(200);
    }

    /**
     * A guest order with the duplicate's verified address is recorded while the merge erases the duplicate (here, while
     * the erasure waits for the duplicate's session): it moves to the kept customer with the other orders, and is not
     * stripped of its address as a deleted customer's would be.
     */
    @Test
    void mergeWhenAGuestOrderOfTheDuplicatesAddressIsRecordedDuringTheErasureThenItMovesToo() throws Exception {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var kept = Fixtures.shopper(api, tenant);
        var source = Fixtures.verifiedShopper(api, tenant, Map.of());
        String sourceOrder = Fixtures.uniqueId("S");
        admin.order(sourceOrder, source.email(), source.customerId());
        String guestOrder = Fixtures.uniqueId("G");

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE sessions SET last_used_at = last_used_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), source.sessionId()),
                () -> merge(tenant, kept.customerId(), source.customerId()),
                new RowLocks.Sql("INSERT INTO orders (tenant_id, id, number, email, status, currency, total, "
                        + "token_hash, placed_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'paid', 'EUR', 10, ?, "
                        + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", tenant.id(),
                        "ord_" + UUID.randomUUID().toString().replace("-", ""), guestOrder, source.email(),
                        "0".repeat(64)));

        answer.expect(200);
        assertThat(orderNumbers(tenant, kept.customerId())).containsExactlyInAnyOrder(sourceOrder, guestOrder);
        assertThat(admin.events(kept.customerId(), "customer.merged").get(0).path("data").path("orders_moved")
                .asInt()).isEqualTo(2);
    }

    /**
     * The same pair merged twice at once, once each way round: the customers are locked in one order, so one merge
     * wins and the other finds its customer gone (404); the survivor holds every order and address of both.
     */
    @Test
    void mergeWhenTheSamePairAtOnceThenOneWinsAndTheOther404() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        for (int round = 0; round < 4; round++) {
            var first = Fixtures.shopper(api, tenant);
            var second = Fixtures.shopper(api, tenant);
            address(first, "First street " + round, "both");
            address(second, "Second street " + round, "both");
            withOrder(tenant, first);
            withOrder(tenant, second);
            boolean eachWay = round % 2 == 0;
            List<Callable<Api.Res>> calls = List.of(
                    () -> merge(tenant, first.customerId(), second.customerId()),
                    () -> eachWay ? merge(tenant, second.customerId(), first.customerId())
                            : merge(tenant, first.customerId(), second.customerId()));

            List<Integer> statuses = Concurrently.all(calls).stream().map(Api.Res::status).toList();

            assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 404);
            boolean firstKept = admin.get(first.customerId()).status() == 200;
            var survivor = firstKept ? first : second;
            var erased = firstKept ? second : first;
            admin.get(erased.customerId()).expect(404, "not_found");
            assertThat(orderNumbers(tenant, survivor.customerId())).hasSize(2);
            assertThat(lines1(tenant, survivor.customerId())).hasSize(2);
            assertThat(admin.events(survivor.customerId(), "customer.merged")).hasSize(1);
            Tokens.assertRefused(api, tenant, erased.accessToken());
        }
    }
}
