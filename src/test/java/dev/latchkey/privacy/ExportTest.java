package dev.latchkey.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExportTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant,
            Map.of("first_name", "Grace", "accepts_marketing", true));

    @Test
    void exportHoldsProfileConsentsAddressesSessionsAndWhenItWasMade() {
        String address = Fixtures.address(api, shopper).path("id").asText();
        api.post("/v1/me/addresses/" + address + "/default").as(shopper).body(Map.of("type", "shipping")).send()
                .expect(200);
        Fixtures.Shopper phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        api.post("/v1/auth/logout").as(phone).send().expect(204);
        Instant before = Instant.now();

        JsonNode export = api.get("/v1/me/export").as(shopper).send().expect(200).body();

        assertThat(export.fieldNames()).toIterable().containsExactly("generated_at", "profile", "merchant_data",
                "consents", "addresses", "sessions", "agents", "mfa", "identities", "passkeys", "lockout",
                "email_tokens", "mail", "deletion_requests", "carts", "orders", "audit_events");
        assertThat(Instant.parse(export.path("generated_at").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(export.path("profile").path("id").asText()).isEqualTo(shopper.customerId());
        assertThat(export.path("profile").path("email").asText()).isEqualTo(shopper.email());
        assertThat(export.path("merchant_data").toString()).isEqualTo("{\"tags\":[],\"note\":null}");
        assertThat(export.path("profile").path("first_name").asText()).isEqualTo("Grace");
        assertThat(export.path("profile").path("default_shipping_address_id").asText()).isEqualTo(address);
        assertThat(export.path("consents").path("accepts_marketing").asBoolean()).isTrue();
        assertThat(export.path("consents").path("accepts_marketing_updated_at").isTextual()).isTrue();
        assertThat(export.path("addresses").findValuesAsText("id")).containsExactly(address);
        assertThat(export.path("addresses").get(0).path("is_default_shipping").asBoolean()).isTrue();
        assertThat(export.path("orders")).isEmpty();
        assertThat(export.path("audit_events").findValuesAsText("type")).contains("customer.registered");
        assertThat(export.path("audit_events").findValuesAsText("customer_id")).containsOnly(shopper.customerId());
    }

    /** Events the merchant caused say so, without the merchant's IP address, browser or staff member. */
    @Test
    void exportOfEventsTheMerchantCausedWithholdsTheirIpUserAgentAndStaff() {
        var shop = StaffFixtures.shop(api);
        var customer = Fixtures.shopper(api, shop.tenant());
        String owner = StaffFixtures.ownerToken(api, shop);
        api.patch("/v1/admin/customers/" + customer.customerId()).bearer(owner)
                .header("User-Agent", "StaffBrowser/1.0").body(Map.of("first_name", "Ada")).send().expect(200);
        api.patch("/v1/admin/customers/" + customer.customerId()).bearer(shop.tenant().sk())
                .header("User-Agent", "MerchantBackend/2.0").body(Map.of("last_name", "Lovelace",
                        "email_verified", true)).send().expect(200);

        JsonNode events = api.get("/v1/me/export").as(customer).send().expect(200).body().path("audit_events");

        List<JsonNode> byMerchant = new ArrayList<>();
        events.forEach(event -> {
            if (event.path("data").path("by").asText().equals("admin")) {
                byMerchant.add(event);
            }
        });
        assertThat(byMerchant).extracting(event -> event.path("type").asText())
                .containsExactlyInAnyOrder("customer.updated", "customer.updated", "email.verified");
        assertThat(byMerchant).allSatisfy(event -> {
            assertThat(event.path("ip").isNull()).isTrue();
            assertThat(event.path("user_agent").isNull()).isTrue();
            assertThat(event.path("staff_id").isNull()).isTrue();
            assertThat(event.path("data").has("staff_id")).isFalse();
        });
        assertThat(events.toString()).doesNotContain(shop.ownerId(), "StaffBrowser", "MerchantBackend");
        JsonNode registered = events.get(events.size() - 1);
        assertThat(registered.path("type").asText()).isEqualTo("customer.registered");
        assertThat(registered.path("ip").asText()).isEqualTo("127.0.0.1");
        // the merchant's own audit log keeps who acted
        JsonNode audit = api.get("/v1/admin/audit?customer_id=" + customer.customerId()).bearer(shop.tenant().sk())
                .send().expect(200).body().path("data");
        assertThat(audit.findValuesAsText("staff_id")).contains(shop.ownerId());
        assertThat(audit.findValuesAsText("user_agent")).contains("StaffBrowser/1.0", "MerchantBackend/2.0");
    }

    @Test
    void exportHoldsThePendingEmailChangeTheMailWrittenAndTheFailedLogins() {
        String newEmail = Fixtures.uniqueEmail();
        api.post("/v1/me/email").as(shopper).body(Map.of("new_email", newEmail, "password", shopper.password()))
                .send().expect(202);
        api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", shopper.email(), "password", "not it at all"))
                .send().expect(401, "invalid_credentials");

        JsonNode export = api.get("/v1/me/export").as(shopper).send().expect(200).body();

        JsonNode token = export.path("email_tokens").get(0);
        assertThat(export.path("email_tokens")).hasSize(1);
        assertThat(token.path("purpose").asText()).isEqualTo("email_change");
        assertThat(token.path("email").asText()).isEqualTo(newEmail);
        assertThat(Instant.parse(token.path("expires_at").asText()))
                .isAfter(Instant.parse(token.path("created_at").asText()));
        assertThat(token.path("used_at").isNull()).isTrue();
        assertThat(export.path("mail").findValuesAsText("to")).containsExactlyInAnyOrder(newEmail, shopper.email());
        assertThat(export.path("mail").findValuesAsText("template"))
                .containsExactlyInAnyOrder("email_change_confirm", "email_changed_notice");
        assertThat(export.path("mail").findValuesAsText("status")).allMatch(s -> s.equals("pending")
                || s.equals("sent"));
        // the link's token is sent with the mail, never shown again
        assertThat(export.path("mail").get(0).has("text")).isFalse();
        assertThat(export.path("lockout").path("failed_attempts").asInt()).isEqualTo(1);
        assertThat(export.path("lockout").path("lock_count").asInt()).isZero();
        assertThat(export.path("lockout").path("locked").asBoolean()).isFalse();
        assertThat(export.path("lockout").path("last_failure_at").isTextual()).isTrue();
    }

    @Test
    void exportOfALockedAccountHoldsTheLockAndTheLocksInARow() {
        var strict = Fixtures.tenant(api, Map.of("lockout_threshold", 2, "lockout_duration", 60));
        var locked = Fixtures.shopper(api, strict);
        Runnable wrongPassword = () -> api.post("/v1/auth/login").key(strict.pk())
                .body(Map.of("email", locked.email(), "password", "not it at all")).send()
                .expect(401, "invalid_credentials");
        wrongPassword.run();
        wrongPassword.run();
        server.clock.advance(java.time.Duration.ofSeconds(61)); // the first lock is over, not forgotten
        wrongPassword.run();
        wrongPassword.run();

        JsonNode lockout = api.get("/v1/me/export").as(locked).send().expect(200).body().path("lockout");

        assertThat(lockout.path("locked").asBoolean()).isTrue();
        assertThat(lockout.path("failed_attempts").asInt()).isEqualTo(2);
        assertThat(lockout.path("lock_count").asInt()).as("the second lock in a row").isEqualTo(2);
        assertThat(Instant.parse(lockout.path("locked_until").asText()))
                .isEqualTo(Instant.parse(lockout.path("last_failure_at").asText()).plusSeconds(120));
    }

    @Test
    void exportHoldsADeletionAskedForAndNotConfirmed() {
        assertThat(api.get("/v1/me/export").as(shopper).send().expect(200).body().path("deletion_requests"))
                .isEmpty();
        api.delete("/v1/me").as(shopper).send().expect(202);

        JsonNode requests = api.get("/v1/me/export").as(shopper).send().expect(200).body().path("deletion_requests");

        assertThat(requests).hasSize(1);
        assertThat(Instant.parse(requests.get(0).path("expires_at").asText()))
                .isAfter(Instant.parse(requests.get(0).path("requested_at").asText()));
        assertThat(requests.get(0).has("token")).isFalse();
    }

    @Test
    void exportListsEndedSessionsWithTheirEnd() {
        Fixtures.Shopper phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        api.post("/v1/auth/logout").as(phone).send().expect(204);

        JsonNode sessions = api.get("/v1/me/export").as(shopper).send().expect(200).body().path("sessions");

        assertThat(sessions.findValuesAsText("id")).containsExactly(phone.sessionId(), shopper.sessionId());
        assertThat(sessions.get(0).path("revoked_at").isTextual()).isTrue();
        assertThat(sessions.get(1).path("revoked_at").isNull()).isTrue();
        assertThat(sessions.get(1).path("ip").asText()).isNotBlank();
    }

    @Test
    void exportWhenMarketingNeverChosenThenConsentIsFalseWithoutTimestamp() {
        Fixtures.Shopper plain = Fixtures.shopper(api, tenant);

        JsonNode consents = api.get("/v1/me/export").as(plain).send().expect(200).body().path("consents");

        assertThat(consents.path("accepts_marketing").asBoolean()).isFalse();
        assertThat(consents.path("accepts_marketing_updated_at").isNull()).isTrue();
    }

    @Test
    void exportHoldsTheCustomersCartWithItsItems() {
        String cart = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
        api.put("/v1/carts/" + cart + "/items/SKU-7").as(shopper).body(Map.of("quantity", 3)).send().expect(200);

        JsonNode carts = api.get("/v1/me/export").as(shopper).send().expect(200).body().path("carts");

        assertThat(carts).hasSize(1);
        assertThat(carts.get(0).path("id").asText()).isEqualTo(cart);
        assertThat(carts.get(0).path("items").get(0).path("sku").asText()).isEqualTo("SKU-7");
        assertThat(carts.get(0).path("items").get(0).path("quantity").asInt()).isEqualTo(3);
        assertThat(carts.get(0).path("status").asText()).isEqualTo("active");
        assertThat(carts.get(0).path("closed_at").isNull()).isTrue();
    }

    @Test
    void exportHoldsAClaimedGuestCartBesideTheActiveOne() {
        var keeping = Fixtures.tenant(api, Map.of("cart_merge_strategy", "keep"));
        Fixtures.Shopper customer = Fixtures.shopper(api, keeping);
        String mine = api.post("/v1/carts").as(customer).send().expect(201).str("id");
        api.put("/v1/carts/" + mine + "/items/MINE").as(customer).body(Map.of("quantity", 1)).send().expect(200);
        var guestSession = api.post("/v1/anonymous").key(keeping.pk()).send().expect(201);
        String anon = guestSession.str("access_token");
        String guest = api.post("/v1/carts").key(keeping.pk()).bearer(anon).send().expect(201).str("id");
        api.put("/v1/carts/" + guest + "/items/GUEST").key(keeping.pk()).bearer(anon).body(Map.of("quantity", 2))
                .send().expect(200);

        String token = api.post("/v1/auth/login").key(keeping.pk()).bearer(anon).body(Map.of("email", customer.email(),
                "password", customer.password(), "cart_id", guest)).send().expect(200).str("access_token");

        JsonNode export = api.get("/v1/me/export").key(keeping.pk()).bearer(token).send().expect(200).body();
        JsonNode carts = export.path("carts");
        assertThat(carts.findValuesAsText("id")).containsExactlyInAnyOrder(mine, guest);
        // the guest session the cart came from: its address and device were the customer's
        assertThat(export.path("sessions").findValuesAsText("id")).contains(guestSession.str("session_id"));
        for (JsonNode cart : carts) {
            boolean claimed = cart.path("id").asText().equals(guest);
            assertThat(cart.path("items").findValuesAsText("sku")).as("items of %s", cart.path("id"))
                    .containsExactly(claimed ? "GUEST" : "MINE");
            // the customer kept their own cart: the guest's was closed when claimed
            assertThat(cart.path("status").asText()).isEqualTo(claimed ? "closed" : "active");
            assertThat(cart.path("closed_at").isNull()).isEqualTo(!claimed);
        }
    }

    @Test
    void exportHoldsNothingOfOtherCustomers() {
        Fixtures.Shopper neighbour = Fixtures.shopper(api, tenant);
        Fixtures.address(api, neighbour);
        String neighboursCart = api.post("/v1/carts").as(neighbour).send().expect(201).str("id");

        JsonNode export = api.get("/v1/me/export").as(shopper).send().expect(200).body();

        assertThat(export.path("addresses")).isEmpty();
        assertThat(export.path("sessions").findValuesAsText("id")).containsExactly(shopper.sessionId());
        assertThat(export.path("carts")).isEmpty();
        assertThat(export.path("mail")).isEmpty();
        assertThat(export.path("email_tokens")).isEmpty();
        assertThat(export.toString()).doesNotContain(neighbour.email()).doesNotContain(neighbour.customerId())
                .doesNotContain(neighboursCart);
    }

    /** The export reads its sections one after another: an erasure landing between two must not surface as a 404. */
    @Test
    void exportWhenTheAccountIsErasedMeanwhileThenTheWholeAnswerOrInvalidToken() {
        var immediate = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        // 20 registrations from one address, well within the 30 an hour a tenant takes from it
        for (int round = 0; round < 20; round++) {
            var racing = Fixtures.shopper(api, immediate);
            List<Api.Res> answers = Concurrently.all(List.of(
                    () -> api.get("/v1/me/export").as(racing).send(),
                    () -> api.delete("/v1/me").as(racing).send()));

            assertThat(answers.get(1).status()).isEqualTo(204);
            var exported = answers.get(0);
            assertThat(exported.status()).as("round %d: %s", round, exported.raw()).isIn(200, 401);
            if (exported.status() == 401) {
                assertThat(exported.str("code")).isEqualTo("invalid_token");
            }
        }
    }

    /**
     * The erasure lands after every section was read, but before the answer ends: the sections read after it would be
     * empty, so no answer may look whole. The test's own transaction holds the customer's row, and deletes it while the
     * export waits for that row to end its answer.
     */
    @Test
    void exportWhenTheAccountIsErasedBeforeTheAnswerEndsThenInvalidTokenAndNoDocument() throws Exception {
        var answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET email = email WHERE tenant_id = ? AND id = ?", tenant.id(),
                        shopper.customerId()),
                () -> api.get("/v1/me/export").as(shopper).send(),
                new RowLocks.Sql("DELETE FROM customers WHERE tenant_id = ? AND id = ?", tenant.id(),
                        shopper.customerId()));

        answer.expect(401, "invalid_token");
        assertThat(answer.raw()).doesNotContain("Grace").doesNotContain(shopper.email());
    }

    @Test
    void exportWhenAnonymousOrNoTokenThenRefused() {
        String anon = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");

        api.get("/v1/me/export").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
        api.get("/v1/me/export").key(tenant.pk()).send().expect(401, "invalid_token");
        api.get("/v1/me/export").key(Fixtures.tenant(api).pk()).bearer(shopper.accessToken()).send()
                .expect(401, "invalid_token");
    }
}
