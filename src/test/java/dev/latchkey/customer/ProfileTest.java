package dev.latchkey.customer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.Problems.assertInvalidField;
import static dev.latchkey.testing.Problems.fieldErrors;
import static org.assertj.core.api.Assertions.assertThat;

class ProfileTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Ada"));

    private JsonNode me() {
        return api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200).body();
    }

    private Api.Res patch(Object body) {
        return api.patch("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).body(body).send();
    }

    @Test
    void patchWhenNamesCarryNoBreakOrZeroWidthSpacesThenTrimmedAndBlankClears() {
        var res = patch("{\"first_name\": \"\\u00a0Ann\\u00a0\", \"last_name\": \"\\u200bLee\\u2003\", "
                + "\"company\": \"\\u00a0\"}").expect(200).body();

        assertThat(res.path("first_name").asText()).isEqualTo("Ann");
        assertThat(res.path("last_name").asText()).isEqualTo("Lee");
        assertThat(res.path("company").isNull()).isTrue();
    }

    /** A back end keeping a copy learns of the shopper's own change: the names of the fields, never their values. */
    @Test
    void patchWhenSomethingChangedThenAuditedAsCustomerUpdatedByTheCustomerAndANoOpIsNot() {
        patch(Map.of("last_name", "Lovelace", "accepts_marketing", true, "phone", "+44 20 7946 0000"))
                .expect(200);
        patch(Map.of("last_name", "Lovelace")).expect(200);

        JsonNode event = AuditEvents.only(api, tenant, shopper.customerId(), "customer.updated");
        assertThat(event.path("data").path("by").asText()).isEqualTo("customer");
        assertThat(event.path("data").path("changed")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("last_name", "accepts_marketing", "email_marketing_consent", "phone");
        assertThat(event.toString()).doesNotContain("Lovelace").doesNotContain("7946");
        assertThat(event.path("staff_id").isNull() || event.path("staff_id").isMissingNode()).isTrue();
    }

    /** An agent's change is told from the customer's own: by agent, with its grant's session. */
    @Test
    void patchWhenByAnAgentThenAuditedAsByTheAgentWithItsGrantsSession() {
        var agent = Agents.grant(api, shopper, "profile:write");

        api.patch("/v1/me").key(tenant.pk()).bearer(agent.accessToken()).body(Map.of("company", "Analytical Engines"))
                .send().expect(200);

        JsonNode event = AuditEvents.only(api, tenant, shopper.customerId(), "customer.updated");
        assertThat(event.path("data").path("by").asText()).isEqualTo("agent");
        assertThat(event.path("data").path("session_id").asText()).isEqualTo(agent.sessionId());
        assertThat(event.path("data").path("changed")).extracting(JsonNode::asText).containsExactly("company");
    }

    @Test
    void getMeWhenCustomerTokenThenReturnsTheCustomer() {
        var res = api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);

        assertThat(res.str("id")).isEqualTo(shopper.customerId());
        assertThat(res.str("email")).isEqualTo(shopper.email());
        assertThat(res.str("first_name")).isEqualTo("Ada");
        assertThat(res.str("status")).isEqualTo("active");
        assertThat(res.body().path("version").asLong()).isEqualTo(1);
        assertThat(res.header("Cache-Control")).contains("no-store");
        for (String field : List.of("id", "email", "email_verified", "status", "first_name", "last_name", "title",
                "phone", "company", "preferred_language", "preferred_currency", "preferred_site", "accepts_marketing",
                "accepts_marketing_updated_at", "attributes", "default_shipping_address_id",
                "default_billing_address_id", "created_at", "updated_at", "version")) {
            assertThat(res.body().has(field)).as("Customer has %s", field).isTrue();
        }
    }

    /** /v1/me may answer from the node's cache: a change made by anyone else must show on the next read all the same. */
    @Test
    void getMeWhenChangedByTheMerchantOrTheAddressBookSinceTheLastReadThenShowsTheChange() {
        assertThat(me().path("last_name").isNull()).isTrue();

        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("last_name", "Lovelace", "status", "on_hold")).send().expect(200);
        JsonNode afterMerchant = api.get("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .send().expect(200).body();
        assertThat(afterMerchant.path("last_name").asText()).isEqualTo("Lovelace");
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("status", "active")).send().expect(200);
        var login = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        JsonNode seen = api.get("/v1/me").key(tenant.pk()).bearer(login.accessToken()).send().expect(200).body();
        assertThat(seen.path("last_name").asText()).isEqualTo("Lovelace");

        String addressId = api.post("/v1/me/addresses").key(tenant.pk()).bearer(login.accessToken())
                .body(Map.of("line1", "1 Main St", "city", "Springfield", "country", "US")).send().expect(201).str("id");
        api.post("/v1/me/addresses/" + addressId + "/default").key(tenant.pk()).bearer(login.accessToken())
                .body(Map.of("type", "shipping")).send().expect(200);
        JsonNode withAddress = api.get("/v1/me").key(tenant.pk()).bearer(login.accessToken()).send().expect(200)
                .body();
        assertThat(withAddress.path("default_shipping_address_id").asText()).isEqualTo(addressId);
    }

    @Test
    void getMeWhenNoTokenThenInvalidToken() {
        api.get("/v1/me").key(tenant.pk()).send().expect(401, "invalid_token");
        api.get("/v1/me").bearer(shopper.accessToken()).send().expect(401, "invalid_api_key");
    }

    @Test
    void patchMeWhenWritableFieldsThenUpdatedAndVersionIncremented() {
        JsonNode before = me();

        JsonNode updated = patch(Map.of("first_name", "Grace", "last_name", "Hopper", "title", "Rear Admiral",
                "phone", "+1 555 0100", "company", "US Navy", "preferred_language", "en-US",
                "preferred_site", "us", "accepts_marketing", true, "attributes", Map.of("tier", "gold", "points", 42)))
                .expect(200).body();

        assertThat(updated.path("first_name").asText()).isEqualTo("Grace");
        assertThat(updated.path("last_name").asText()).isEqualTo("Hopper");
        assertThat(updated.path("title").asText()).isEqualTo("Rear Admiral");
        assertThat(updated.path("phone").asText()).isEqualTo("+1 555 0100");
        assertThat(updated.path("company").asText()).isEqualTo("US Navy");
        assertThat(updated.path("preferred_language").asText()).isEqualTo("en-US");
        assertThat(updated.path("preferred_site").asText()).isEqualTo("us");
        assertThat(updated.path("accepts_marketing").asBoolean()).isTrue();
        assertThat(updated.path("accepts_marketing_updated_at").isNull()).isFalse();
        assertThat(updated.path("attributes").path("tier").asText()).isEqualTo("gold");
        assertThat(updated.path("attributes").path("points").asInt()).isEqualTo(42);
        assertThat(updated.path("version").asLong()).isEqualTo(before.path("version").asLong() + 1);
        assertThat(updated.path("email").asText()).isEqualTo(shopper.email());
        assertThat(Instant.parse(updated.path("updated_at").asText()))
                .isAfterOrEqualTo(Instant.parse(before.path("updated_at").asText()));
        assertThat(me()).isEqualTo(updated);
    }

    @Test
    void patchMeWhenFieldAbsentThenItIsKept() {
        patch(Map.of("last_name", "Byron")).expect(200);

        assertThat(me().path("first_name").asText()).isEqualTo("Ada");
        assertThat(me().path("last_name").asText()).isEqualTo("Byron");
    }

    @Test
    void patchMeWhenNothingChangesThenVersionAndUpdatedAtKept() {
        JsonNode before = me();

        patch(Map.of()).expect(200);
        var same = patch(Map.of("first_name", "Ada", "version", before.path("version").asLong())).expect(200);

        assertThat(same.body()).isEqualTo(before);
        assertThat(me()).isEqualTo(before);
        patch(Map.of("first_name", "Ada", "version", before.path("version").asLong() + 1))
                .expect(409, "version_conflict");
    }

    @Test
    void patchMeWhenVersionCurrentThenApplied() {
        long version = me().path("version").asLong();

        var res = patch(Map.of("first_name", "Grace", "version", version)).expect(200);

        assertThat(res.body().path("version").asLong()).isEqualTo(version + 1);
    }

    @Test
    void patchMeWhenVersionStaleThenConflictAndNothingChanged() {
        long version = me().path("version").asLong();
        patch(Map.of("first_name", "Grace", "version", version)).expect(200);
        JsonNode current = me();

        patch(Map.of("first_name", "Stale", "version", version)).expect(409, "version_conflict");

        assertThat(me()).isEqualTo(current);
        assertThat(me().path("first_name").asText()).isEqualTo("Grace");
    }

    @Test
    void patchMeWhenANameSpansLinesThenRefusedAndNothingChanged() {
        JsonNode before = me();
        for (String name : List.of("Ada\r\nBcc: x@example.com", "Ada\nLovelace", "Ada\tLovelace", "Ada\u2028Lovelace")) {
            assertInvalid(patch(Map.of("first_name", name)), "first_name", "invalid");
        }
        assertThat(me()).isEqualTo(before);
        // breaks at either end are trimmed like spaces
        assertThat(patch(Map.of("first_name", "\tAda\r\n")).expect(200).body().path("first_name").asText())
                .isEqualTo("Ada");
    }

    @Test
    void patchMeWhenVersionNotAWholeNumberThenRefused() {
        assertInvalid(patch(Map.of("first_name", "X", "version", "1")), "version", "invalid_type");
        assertInvalidField(patch(Map.of("first_name", "X", "version", 1.5)), "version");
        // a whole number all the same, only beyond any version
        assertInvalid(patch("{\"first_name\": \"X\", \"version\": 99999999999999999999}"), "version", "out_of_range");
        assertInvalid(patch(Map.of("first_name", "X", "version", 0)), "version", "out_of_range");
    }

    @Test
    void patchMeWhenReadOnlyFieldsThenRefusedAndNothingChanged() {
        JsonNode before = me();

        assertInvalidField(patch(Map.of("email", "other@example.com")), "email");
        assertInvalidField(patch(Map.of("status", "disabled")), "status");
        assertInvalidField(patch(Map.of("email_verified", true)), "email_verified");
        assertInvalidField(patch(Map.of("first_name", "Changed", "email_verified", true)), "email_verified");
        assertInvalid(patch(Map.of("first_name", "Changed", "password", "a brand new passphrase")), "password",
                "read_only");
        assertInvalid(patch(Map.of("password_hash", "$2a$10$abcdefghijklmnopqrstuv")), "password_hash", "read_only");

        assertThat(me()).isEqualTo(before);
        Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
    }

    @Test
    void patchMeWhenAttributesNotAnObjectThenRefused() {
        assertInvalid(patch(Map.of("attributes", List.of(1, 2))), "attributes", "invalid_type");
        assertInvalid(patch(Map.of("attributes", "{}")), "attributes", "invalid_type");
        assertInvalid(patch(Map.of("attributes", 5)), "attributes", "invalid_type");
    }

    @Test
    void patchMeWhenAttributesLargerThan16KbThenRefusedAndNothingChanged() {
        JsonNode before = me();

        assertInvalidField(patch(Map.of("attributes", Map.of("blob", "x".repeat(17 * 1024)))), "attributes");

        assertThat(me()).isEqualTo(before);
    }

    @Test
    void patchMeWhenAttributesJustUnder16KbThenAccepted() {
        String blob = "x".repeat(15 * 1024);
        var res = patch(Map.of("attributes", Map.of("blob", blob))).expect(200);

        assertThat(res.body().path("attributes").path("blob").asText()).isEqualTo(blob);
    }

    @Test
    void patchMeWhenCurrencyLowerCaseThenStoredUpperCase() {
        var res = patch(Map.of("preferred_currency", "eur")).expect(200);

        assertThat(res.str("preferred_currency")).isEqualTo("EUR");
        assertThat(me().path("preferred_currency").asText()).isEqualTo("EUR");
    }

    @Test
    void patchMeWhenValuesInvalidThenRefused() {
        assertInvalidField(patch(Map.of("preferred_currency", "euro")), "preferred_currency");
        assertInvalidField(patch(Map.of("preferred_currency", "E1R")), "preferred_currency");
        assertInvalidField(patch(Map.of("preferred_currency", "XYZ")), "preferred_currency"); // no such ISO 4217 code
        assertInvalidField(patch(Map.of("preferred_currency", "XXX")), "preferred_currency"); // ISO's "no currency"
        assertInvalidField(patch(Map.of("preferred_currency", "xts")), "preferred_currency"); // ISO's test code
        assertInvalidField(patch(Map.of("phone", "call me maybe")), "phone");
        assertInvalidField(patch(Map.of("phone", "---")), "phone");
        assertInvalidField(patch(Map.of("preferred_language", "english!")), "preferred_language");
        assertInvalidField(patch(Map.of("first_name", "x".repeat(101))), "first_name");
        // a name that reads as another once shown (right-to-left override, isolate)
        assertInvalid(patch(Map.of("first_name", "Ada\u202Egnp.exe")), "first_name", "invalid");
        assertInvalid(patch(Map.of("last_name", "\u2067Lovelace\u2069")), "last_name", "invalid");
        assertThat(me().path("first_name").asText()).isNotEqualTo("Ada\u202Egnp.exe");
        // right-to-left names need none of those, and a password may hold them (it is never shown)
        String bidiPassword = "\u202Eright to left pass phrase\u2069";
        var registered = Fixtures.shopper(api, tenant, Map.of("password", bidiPassword));
        Fixtures.login(api, tenant, registered.email(), bidiPassword);
        assertThat(patch(Map.of("first_name", "\u05E9\u05E8\u05D4", "last_name", "\u0644\u064A\u0644\u0649")).expect(200)
                .body().path("first_name").asText()).isEqualTo("\u05E9\u05E8\u05D4");
    }

    @Test
    void patchMeWhenNullGivenThenFieldCleared() {
        patch(Map.of("company", "ACME", "attributes", Map.of("a", 1))).expect(200);

        var res = patch(Bodies.of("first_name", null, "company", null, "attributes", null)).expect(200);

        assertThat(res.body().path("first_name").isNull()).isTrue();
        assertThat(res.body().path("company").isNull()).isTrue();
        assertThat(res.body().path("attributes").isObject()).isTrue();
        assertThat(res.body().path("attributes")).isEmpty();
        assertThat(me().path("first_name").isNull()).isTrue();
    }

    @Test
    void patchMeWhenWrongTypesThenInvalidType() {
        JsonNode before = me();
        var res = patch(Map.of("first_name", 5, "accepts_marketing", "yes", "title", List.of("Dr")))
                .expect(422, "validation_failed");

        assertThat(fieldErrors(res)).contains("first_name:invalid_type",
                "accepts_marketing:invalid_type", "title:invalid_type");
        assertThat(me()).isEqualTo(before);
    }

    @Test
    void patchMeWhenBodyMalformedThenBadRequest() {
        patch("{\"first_name\": ").expect(400, "malformed_json");
        patch("[]").expect(400, "malformed_json");
    }

    @Test
    void patchMeWhenMarketingConsentUnchangedThenTimestampKept() {
        JsonNode first = patch(Map.of("accepts_marketing", true)).expect(200).body();
        JsonNode second = patch(Map.of("accepts_marketing", true, "first_name", "Again")).expect(200).body();

        assertThat(second.path("accepts_marketing_updated_at").asText())
                .isEqualTo(first.path("accepts_marketing_updated_at").asText());
    }

    /** A choice made at sign-up is recorded with its time, a decline as much as a consent; no choice, no time. */
    @Test
    void registerWithAMarketingChoiceEitherWayThenItsTimeIsRecorded() {
        for (boolean choice : new boolean[] {false, true}) {
            JsonNode customer = Fixtures.shopper(api, shopper.tenant(), Map.of("accepts_marketing", choice))
                    .authResult().path("customer");
            assertThat(customer.path("accepts_marketing").asBoolean()).isEqualTo(choice);
            assertThat(customer.path("accepts_marketing_updated_at").isTextual()).as("choice %s", choice).isTrue();
        }
        JsonNode silent = Fixtures.shopper(api, shopper.tenant()).authResult().path("customer");
        assertThat(silent.path("accepts_marketing_updated_at").isNull()).isTrue();
    }

    @Test
    void patchMeWhenMarketingConsentNullThenReadAsAbsentAndTheConsentKept() {
        JsonNode given = patch(Map.of("accepts_marketing", true)).expect(200).body();
        var body = new HashMap<String, Object>();
        body.put("accepts_marketing", null);
        body.put("first_name", "Nulled");
        JsonNode after = patch(body).expect(200).body();

        assertThat(after.path("first_name").asText()).isEqualTo("Nulled");
        assertThat(after.path("accepts_marketing").asBoolean()).isTrue();
        assertThat(after.path("accepts_marketing_updated_at").asText())
                .isEqualTo(given.path("accepts_marketing_updated_at").asText());
    }

    @Test
    void meWhenOtherCustomerThenEachSeesOnlyThemselves() {
        var other = Fixtures.shopper(api, tenant);
        api.patch("/v1/me").key(tenant.pk()).bearer(other.accessToken()).body(Map.of("first_name", "Other"))
                .send().expect(200);

        assertThat(me().path("first_name").asText()).isEqualTo("Ada");
        assertThat(me().path("id").asText()).isEqualTo(shopper.customerId());
    }

    @Test
    void patchMeWhenSameVersionConcurrentlyThenExactlyOneWins() {
        long version = me().path("version").asLong();

        List<Integer> statuses = Concurrently.statuses(8,
                () -> patch(Map.of("first_name", "Racer", "version", version)));

        assertThat(statuses).containsOnly(200, 409).containsOnlyOnce(200);
        assertThat(me().path("version").asLong()).isEqualTo(version + 1);
    }

    @Test
    void patchMeWhenDifferentFieldsConcurrentlyThenEveryChangeIsKept() {
        Map<String, String> changes = Map.of("first_name", "Grace", "last_name", "Hopper", "title", "Dr",
                "company", "Navy", "phone", "+1 555 010", "preferred_site", "us");
        for (int round = 0; round < 5; round++) {
            String suffix = String.valueOf(round);
            long version = me().path("version").asLong();

            List<Api.Res> answers = Concurrently.all(changes.entrySet().stream()
                    .<Callable<Api.Res>>map(change -> () -> patch(Map.of(change.getKey(), change.getValue() + suffix)))
                    .toList());

            assertThat(answers).extracting(Api.Res::status).containsOnly(200);
            JsonNode after = me();
            changes.forEach((field, value) -> assertThat(after.path(field).asText())
                    .as("%s after round %s: a concurrent PATCH of another field must not undo it", field, suffix)
                    .isEqualTo(value + suffix));
            assertThat(after.path("version").asLong()).isEqualTo(version + changes.size());
        }
    }

    @Test
    void patchMeWhenTextContainsNulCharacterThenClientErrorNotServerError() {
        var res = patch(Map.of("last_name", "Love\0lace"));

        assertThat(res.status()).as("status of %s", res.raw()).isIn(200, 422);
    }
}
