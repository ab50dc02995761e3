package dev.latchkey.address;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merchant keeps a customer's address book for them (support fixing an address the customer phoned in): add,
 * change, delete and make default, by the shopper's own rules, recorded with who acted, and seen by the shopper at once.
 */
class AdminAddressChangeTest extends ApiTest {
    private static final Map<String, Object> BERLIN = Map.of("first_name", "Ada", "last_name", "Lovelace",
            "line1", "Unter den Linden 1", "city", "Berlin", "postal_code", "10117", "country", "DE");

    private final StaffFixtures.Shop shop = StaffFixtures.shop(api);
    private final Fixtures.Tenant tenant = shop.tenant();
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
    private final String book = "/v1/admin/customers/" + shopper.customerId() + "/addresses";

    private Api.Res add(String bearer, Object body) {
        return api.post(book).bearer(bearer).body(body).send();
    }

    private static Map<String, Object> berlin(Object... overrides) {
        Map<String, Object> body = new HashMap<>(BERLIN);
        for (int i = 0; i < overrides.length; i += 2) {
            body.put((String) overrides[i], overrides[i + 1]);
        }
        return body;
    }

    private JsonNode ownBook() {
        return api.get("/v1/me/addresses").as(shopper).send().expect(200).body().path("data");
    }

    @Test
    void addChangeMakeDefaultDeleteWhenSecretKeyThenTheShopperSeesEachChange() {
        JsonNode added = add(tenant.sk(), berlin()).expect(201).body();
        String id = added.path("id").asText();
        assertThat(id).startsWith("adr_");
        assertThat(ownBook()).containsExactly(added);
        assertThat(api.get(book + "/" + id).bearer(tenant.sk()).send().expect(200).body()).isEqualTo(added);

        JsonNode changed = api.patch(book + "/" + id).bearer(tenant.sk())
                .body(Map.of("line1", "Unter den Linden 5", "line2", "c/o Babbage", "tags", List.of("SHIPPING")))
                .send().expect(200).body();
        assertThat(changed.path("line1").asText()).isEqualTo("Unter den Linden 5");
        assertThat(changed.path("city").asText()).isEqualTo("Berlin");
        assertThat(api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body()).isEqualTo(changed);

        JsonNode made = api.post(book + "/" + id + "/default").bearer(tenant.sk()).body(Map.of("type", "both"))
                .send().expect(200).body();
        assertThat(made.path("is_default_shipping").asBoolean()).isTrue();
        assertThat(made.path("is_default_billing").asBoolean()).isTrue();
        JsonNode me = api.get("/v1/me").as(shopper).send().expect(200).body();
        assertThat(me.path("default_shipping_address_id").asText()).isEqualTo(id);
        assertThat(me.path("default_billing_address_id").asText()).isEqualTo(id);

        api.delete(book + "/" + id).bearer(tenant.sk()).send().expect(204);
        assertThat(ownBook()).isEmpty();
        me = api.get("/v1/me").as(shopper).send().expect(200).body();
        assertThat(me.path("default_shipping_address_id").isNull()).isTrue();
        api.get(book + "/" + id).bearer(tenant.sk()).send().expect(404, "not_found");
        api.delete(book + "/" + id).bearer(tenant.sk()).send().expect(404, "not_found");
    }

    /**
     * A change of the shopper's that holds the customer's row (and changes the address meanwhile) makes the merchant's
     * PATCH wait; it then merges into the address as committed, so neither undoes the other's field.
     */
    @Test
    void patchWhenTheShoppersChangeHoldsTheCustomerThenItWaitsAndBothFieldsStay() throws Exception {
        String id = Fixtures.address(api, shopper).path("id").asText();

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.customerId()),
                () -> api.patch(book + "/" + id).bearer(tenant.sk()).body(Map.of("phone", "+49 30 1234567")).send(),
                new RowLocks.Sql("UPDATE addresses SET line2 = 'Hinterhaus' WHERE tenant_id = ? AND id = ?",
                        tenant.id(), id));

        assertThat(answer.expect(200).body().path("line2").asText()).isEqualTo("Hinterhaus");
        JsonNode stored = api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body();
        assertThat(stored.path("line2").asText()).isEqualTo("Hinterhaus");
        assertThat(stored.path("phone").asText()).isEqualTo("+49 30 1234567");
    }

    @Test
    void changesWhenMadeThenRecordedWithTheActorAndFieldNamesOnly() {
        String owner = StaffFixtures.ownerToken(api, shop);
        String id = add(owner, berlin("phone", "+49 30 1234567")).expect(201).str("id");
        api.patch(book + "/" + id).bearer(tenant.sk()).body(Map.of("phone", "+49 30 7654321", "city", " Berlin "))
                .send().expect(200);
        api.patch(book + "/" + id).bearer(tenant.sk()).body(Map.of("city", "Berlin")).send().expect(200);
        api.post(book + "/" + id + "/default").bearer(owner).body(Map.of("type", "billing")).send().expect(200);
        api.delete(book + "/" + id).bearer(owner).send().expect(204);

        JsonNode created = AuditEvents.only(api, tenant, shopper.customerId(), "address.created");
        assertThat(created.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(created.path("data").path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(created.path("data").path("address_id").asText()).isEqualTo(id);
        JsonNode updated = AuditEvents.only(api, tenant, shopper.customerId(), "address.updated");
        assertThat(updated.path("data").path("changed")).extracting(JsonNode::asText).containsExactly("phone");
        assertThat(updated.path("data").has("staff_id")).isFalse();
        assertThat(updated.path("api_key_id").asText()).startsWith("key_");
        assertThat(updated.toString()).doesNotContain("7654321");
        JsonNode madeDefault = AuditEvents.only(api, tenant, shopper.customerId(), "address.default_changed");
        assertThat(madeDefault.path("data").path("type").asText()).isEqualTo("billing");
        assertThat(madeDefault.path("data").path("address_id").asText()).isEqualTo(id);
        JsonNode deleted = AuditEvents.only(api, tenant, shopper.customerId(), "address.deleted");
        assertThat(deleted.path("data").path("address_id").asText()).isEqualTo(id);
        assertThat(deleted.path("staff_id").asText()).isEqualTo(shop.ownerId());
    }

    @Test
    void shopperChangesWhenMadeThenRecordedByTheCustomer() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        api.patch("/v1/me/addresses/" + id).as(shopper).body(Map.of("line2", "Hinterhaus")).send().expect(200);

        JsonNode created = AuditEvents.only(api, tenant, shopper.customerId(), "address.created");
        assertThat(created.path("data").path("by").asText()).isEqualTo("customer");
        JsonNode updated = AuditEvents.only(api, tenant, shopper.customerId(), "address.updated");
        assertThat(updated.path("data").path("changed")).extracting(JsonNode::asText).containsExactly("line2");
        assertThat(updated.path("data").path("address_id").asText()).isEqualTo(id);
    }

    @Test
    void agentChangesWhenMadeThenRecordedByTheAgentWithItsSession() {
        Agents.Agent agent = Agents.grant(api, shopper, "addresses:write");
        String id = api.post("/v1/me/addresses").as(agent).body(berlin()).send().expect(201).str("id");

        JsonNode created = AuditEvents.only(api, tenant, shopper.customerId(), "address.created");
        assertThat(created.path("data").path("by").asText()).isEqualTo("agent");
        assertThat(created.path("data").path("session_id").asText()).isEqualTo(agent.sessionId());
        assertThat(created.path("data").path("address_id").asText()).isEqualTo(id);
    }

    @Test
    void badInputWhenSentToEitherBookThenTheSameAnswerAndNothingStored() {
        String shoppersId = Fixtures.address(api, shopper).path("id").asText();
        List<String> bodies = List.of("{\"line1\": ", "[]", "{\"line1\": 5, \"city\": [\"Berlin\"], \"country\": true}",
                "{\"line1\": \"" + "x".repeat(201) + "\", \"city\": \"Berlin\", \"country\": \"DE\"}",
                "{\"line1\": \"Main Street 1\", \"city\": \"Berlin\", \"country\": \"DE\", \"postal_code\": \"1234\"}",
                "{\"line1\": \"Main Street 1\", \"city\": \"Berlin\", \"country\": \"DE\", \"id\": \"adr_mine\"}",
                "{\"city\": null}");
        for (String body : bodies) {
            Api.Res own = api.post("/v1/me/addresses").as(shopper).body(body).send();
            Api.Res merchants = add(tenant.sk(), body);
            assertThat(merchants.status()).as(body).isEqualTo(own.status());
            assertThat(merchants.code()).as(body).isEqualTo(own.code());
            assertThat(Problems.fieldErrors(merchants)).as(body).isEqualTo(Problems.fieldErrors(own));
            Api.Res ownPatch = api.patch("/v1/me/addresses/" + shoppersId).as(shopper).body(body).send();
            Api.Res merchantsPatch = api.patch(book + "/" + shoppersId).bearer(tenant.sk()).body(body).send();
            assertThat(merchantsPatch.status()).as(body).isEqualTo(ownPatch.status());
            assertThat(Problems.fieldErrors(merchantsPatch)).as(body).isEqualTo(Problems.fieldErrors(ownPatch));
        }
        assertThat(ownBook()).containsExactly(api.get("/v1/me/addresses/" + shoppersId).as(shopper).send()
                .expect(200).body());
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "address.updated")).isEmpty();
    }

    @Test
    void unknownFieldWhenSentThenIgnoredAsTheShoppersRouteDoes() {
        JsonNode own = Fixtures.address(api, shopper, Map.of("floor", 3));
        JsonNode merchants = add(tenant.sk(), berlin("line1", "Unter den Linden 2", "floor", 3)).expect(201).body();

        assertThat(own.has("floor")).isFalse();
        assertThat(merchants.has("floor")).isFalse();
        assertThat(ownBook()).containsExactly(own, merchants);
    }

    @Test
    void addWhenTheSameAddressOrTheBookIsFullThenTheShoppersRefusals() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        Api.Res twice = add(tenant.sk(), berlin("line1", " unter den linden 1 ", "tags", List.of("HOME")));
        twice.expect(409, "address_exists");
        assertThat(twice.body().path("detail").asText()).contains(id);
        String other = add(tenant.sk(), berlin("line1", "Unter den Linden 2")).expect(201).str("id");
        api.patch(book + "/" + other).bearer(tenant.sk()).body(Map.of("line1", "UNTER DEN LINDEN 1")).send()
                .expect(409, "address_exists");

        for (int i = 2; i < AddressService.MAX_PER_CUSTOMER; i++) {
            Fixtures.address(api, shopper, Map.of("line1", "Street " + i));
        }
        add(tenant.sk(), berlin("line1", "One Too Many 1")).expect(422, "address_limit_reached");
        assertThat(api.get(book + "?limit=100").bearer(tenant.sk()).send().expect(200).body().path("data"))
                .hasSize(AddressService.MAX_PER_CUSTOMER);
    }

    @Test
    void defaultWhenTypeMissingOrUnknownThenTheShoppersRefusals() {
        String id = add(tenant.sk(), berlin()).expect(201).str("id");
        String url = book + "/" + id + "/default";

        Problems.assertInvalid(api.post(url).bearer(tenant.sk()).body(Map.of()).send(), "type", "required");
        Problems.assertInvalid(api.post(url).bearer(tenant.sk()).body(Map.of("type", "home")).send(), "type",
                "invalid");
        Problems.assertInvalid(api.post(url).bearer(tenant.sk()).body(Map.of("type", 1)).send(), "type",
                "invalid_type");
        api.post(url).bearer(tenant.sk()).body("nope").send().expect(400, "malformed_json");
        api.post(url).bearer(tenant.sk()).header("Content-Encoding", "gzip").body("{\"type\": \"both\"}")
                .send().expect(415, "unsupported_media_type");
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).body().path("default_shipping_address_id")
                .isNull()).isTrue();
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "address.default_changed")).isEmpty();
    }

    @Test
    void bodyOverOneMegabyteThenPayloadTooLarge() {
        String huge = "{\"line1\": \"" + "x".repeat(1024 * 1024 + 10) + "\", \"city\": \"Berlin\", \"country\": \"DE\"}";

        add(tenant.sk(), huge).expect(413, "payload_too_large");
        assertThat(ownBook()).isEmpty();
    }

    @Test
    void anotherTenantsOrCustomersBookOrAddressThenNotFoundAndUntouched() {
        JsonNode mine = Fixtures.address(api, shopper);
        String id = mine.path("id").asText();
        var neighbour = Fixtures.shopper(api, tenant);
        String neighbours = Fixtures.address(api, neighbour).path("id").asText();
        var other = Fixtures.tenant(api);
        var stranger = Fixtures.shopper(api, other);
        String strangers = Fixtures.address(api, stranger).path("id").asText();

        // another customer's address through this customer's book, an address through another tenant's key
        for (String[] bookAndKey : List.of(new String[] {book + "/" + neighbours, tenant.sk()},
                new String[] {book + "/" + strangers, tenant.sk()}, new String[] {book + "/" + id, other.sk()},
                new String[] {"/v1/admin/customers/" + stranger.customerId() + "/addresses/" + strangers, tenant.sk()},
                new String[] {book + "/adr_unknown", tenant.sk()},
                new String[] {"/v1/admin/customers/cus_unknown/addresses/" + id, tenant.sk()})) {
            String path = bookAndKey[0];
            String key = bookAndKey[1];
            api.get(path).bearer(key).send().expect(404, "not_found");
            api.patch(path).bearer(key).body(Map.of("city", "Potsdam")).send().expect(404, "not_found");
            api.post(path + "/default").bearer(key).body(Map.of("type", "both")).send().expect(404, "not_found");
            api.delete(path).bearer(key).send().expect(404, "not_found");
        }
        api.post("/v1/admin/customers/" + stranger.customerId() + "/addresses").bearer(tenant.sk()).body(berlin())
                .send().expect(404, "not_found");
        api.post("/v1/admin/customers/cus%20x/addresses").bearer(tenant.sk()).body(berlin()).send()
                .expect(404, "not_found");

        assertThat(ownBook()).containsExactly(mine);
        assertThat(api.get("/v1/me/addresses").as(neighbour).send().expect(200).body().path("data")).hasSize(1);
        assertThat(api.get("/v1/me/addresses").as(stranger).send().expect(200).body().path("data")).hasSize(1);
        assertThat(AuditEvents.types(api, tenant, shopper.customerId())).doesNotContain("address.updated",
                "address.deleted", "address.default_changed");
    }

    @Test
    void changeWhenSupportRoleOrViewOnlyKeyThenInsufficientScopeAndReadStillWorks() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        String support = StaffFixtures.supportToken(api, shop);
        String viewOnly = api.post("/v1/admin/api-keys").bearer(tenant.sk())
                .body(Map.of("kind", "secret", "scopes", List.of("view_customers"))).send().expect(201).str("key");

        for (String bearer : List.of(support, viewOnly, tenant.pk(), shopper.accessToken())) {
            add(bearer, berlin("line1", "Elsewhere 1")).expect(403, "insufficient_scope");
            api.patch(book + "/" + id).bearer(bearer).body(Map.of("city", "Potsdam")).send()
                    .expect(403, "insufficient_scope");
            api.post(book + "/" + id + "/default").bearer(bearer).body(Map.of("type", "both")).send()
                    .expect(403, "insufficient_scope");
            api.delete(book + "/" + id).bearer(bearer).send().expect(403, "insufficient_scope");
        }
        for (String bearer : List.of(support, viewOnly)) {
            api.get(book + "/" + id).bearer(bearer).send().expect(200);
        }
        api.patch(book + "/" + id).body(Map.of("city", "Potsdam")).send().expect(401, "invalid_api_key");
        assertThat(ownBook()).hasSize(1);
        assertThat(ownBook().get(0).path("city").asText()).isEqualTo("Berlin");
    }
}
