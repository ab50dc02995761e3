package dev.latchkey.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class AccountDeletionTest extends ApiTest {
    private static final Map<String, Object> AT_ONCE = Map.of("deletion_requires_confirmation", false);

    @Test
    void settingWhenNotGivenThenConfirmationIsRequired() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);

        JsonNode settings = api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body();

        assertThat(settings.path("deletion_requires_confirmation").asBoolean()).isTrue();
    }

    /** A customer with more sessions than one statement deletes the tokens of: every one of them goes. */
    @Test
    void eraseWhenTheCustomerHasManySessionsThenEveryTokenOfThemGoes() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        server.app.database().run(h -> {
            for (int i = 0; i < 1_200; i++) {
                h.createUpdate("INSERT INTO sessions (tenant_id, id, customer_id, kind, created_at, last_used_at, "
                                + "expires_at) VALUES (:tenant, :id, :customer, 'customer', CURRENT_TIMESTAMP, "
                                + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                        .bind("tenant", tenant.id()).bind("id", "ses_many_" + i).bind("customer", shopper.customerId())
                        .execute();
                h.createUpdate("INSERT INTO token_pairs (tenant_id, session_id, created_at, access_expires_at, "
                                + "refresh_expires_at, expires_at) VALUES (:tenant, :id, CURRENT_TIMESTAMP, "
                                + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                        .bind("tenant", tenant.id()).bind("id", "ses_many_" + i).execute();
            }
        });

        api.delete("/v1/me").as(shopper).send().expect(204);

        int left = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM token_pairs "
                + "WHERE tenant_id = :tenant").bind("tenant", tenant.id()).mapTo(Integer.class).one());
        assertThat(left).isZero();
    }

    /**
     * The removal of the customer's row has every node forget the customer's cached tokens with the profile: one
     * invalidation, by the shopper or the merchant, with sessions or without.
     */
    @Test
    void eraseThenTheCustomerIsPublishedOnce() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        Fixtures.Shopper phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        Fixtures.Shopper loggedOut = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/logout").as(loggedOut).send().expect(204);
        api.get("/v1/me").as(phone).send().expect(200);
        List<Invalidation> published = Publications.of(server, tenant.id());

        api.delete("/v1/me").as(shopper).send().expect(204);

        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                shopper.customerId()));
        api.get("/v1/me").as(phone).send().expect(401, "invalid_token");
        published.clear();
        api.delete("/v1/admin/customers/" + loggedOut.customerId()).bearer(tenant.sk()).send().expect(204);
        assertThat(published).as("no session to end").containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER,
                tenant.id(), loggedOut.customerId()));
    }

    @Test
    void deleteWhenPathHasATrailingSlashThenNotFoundAndNothingErased() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

        api.delete("/v1/me/").as(shopper).send().expect(404, "not_found");
        api.get("/v1/me").as(shopper).send().expect(200);
    }

    /**
     * Another device of the shopper's logs this one out while its deletion waits for the account's row: the deletion
     * then finds its session ended, answers 401 and erases nothing, as with the other changes a session asks for.
     */
    @Test
    void deleteWhenItsSessionIsEndedWhileItWaitsForTheAccountThenInvalidTokenAndNothingErased() throws Exception {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        Fixtures.Shopper phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.customerId()),
                () -> api.delete("/v1/me").as(shopper).send(),
                new RowLocks.Sql("UPDATE sessions SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.sessionId()));

        answer.expect(401, "invalid_token");
        api.get("/v1/me").as(phone).send().expect(200);
        assertThat(AuditEvents.types(api, tenant, shopper.customerId())).doesNotContain("customer.deleted");
    }

    @Test
    void settingWhenNotBooleanThenValidationFailed() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);

        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("deletion_requires_confirmation", "no"))
                .send().expect(422, "validation_failed");
        var changed = api.patch("/v1/admin/settings").bearer(tenant.sk()).body(AT_ONCE).send().expect(200).body();
        assertThat(changed.path("deletion_requires_confirmation").asBoolean()).isFalse();
    }

    @Test
    void deleteWhenConfirmationNotRequiredThenEverythingIsErasedAtOnce() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        Fixtures.Shopper laptop = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        String address = addressOf(shopper);
        api.post("/v1/me/addresses/" + address + "/default").as(shopper).body(Map.of("type", "both")).send().expect(200);
        api.get("/v1/me").as(laptop).send().expect(200);

        api.delete("/v1/me").as(shopper).send().expect(204);

        api.get("/v1/me").as(shopper).send().expect(401, "invalid_token");
        api.get("/v1/me").as(laptop).send().expect(401, "invalid_token");
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", laptop.refreshToken())).send()
                .expect(401, "invalid_token");
        api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(401, "invalid_credentials");
    }

    /**
     * A rotation locks the pair it uses, then its session's row. The merchant's erasure meets one between the two: it
     * must wait for the pair without holding the session's row, or the two deadlock and one answers 500.
     */
    @Test
    void deleteWhileARotationHoldsAPairAndThenAddsOneAndTakesItsSessionThenBothCompleteAndEverythingIsErased()
            throws Exception {
        Fixtures.Tenant tenant = Fixtures.tenant(api);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

        Api.Res erased = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE token_pairs SET refresh_used_at = CURRENT_TIMESTAMP "
                        + "WHERE tenant_id = ? AND session_id = ?", tenant.id(), shopper.sessionId()),
                () -> api.delete("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk()).send(),
                // the rotation's new pair, inserted after the erasure began to wait: it must go too
                new RowLocks.Sql("INSERT INTO token_pairs (tenant_id, session_id, created_at, access_expires_at, "
                        + "refresh_expires_at, expires_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + "
                        + "INTERVAL '1' DAY, CURRENT_TIMESTAMP + INTERVAL '30' DAY, CURRENT_TIMESTAMP + INTERVAL '30' DAY)",
                        tenant.id(), shopper.sessionId()),
                new RowLocks.Sql("UPDATE sessions SET expires_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.sessionId()));

        erased.expect(204);
        int pairsLeft = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM token_pairs WHERE "
                + "tenant_id = :tenant").bind("tenant", tenant.id()).mapTo(Integer.class).one());
        assertThat(pairsLeft).as("token pairs left").isZero();
        api.get("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk()).send().expect(404, "not_found");
        api.get("/v1/me").as(shopper).send().expect(401, "invalid_token");
        api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(401, "invalid_credentials");
    }

    @Test
    void deleteThenCartsMailAndTheClientDataOfAuditEventsGoAndTheErasureIsRecorded() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper leaving = Fixtures.shopper(api, tenant);
        Fixtures.Shopper staying = Fixtures.shopper(api, tenant);
        for (Fixtures.Shopper shopper : List.of(leaving, staying)) {
            String cart = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
            api.put("/v1/carts/" + cart + "/items/SKU-1").as(shopper).body(Map.of("quantity", 2)).send().expect(200);
            api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", shopper.email())).send()
                    .expect(202);
        }
        String unconfirmed = Fixtures.uniqueEmail();
        api.post("/v1/me/email").as(leaving).body(Map.of("new_email", unconfirmed, "password", leaving.password()))
                .send().expect(202);
        assertThat(Outboxes.count(server, leaving.email())).as("queued before the erasure").isPositive();
        assertThat(Outboxes.count(server, unconfirmed)).as("queued before the erasure").isOne();
        assertThat(clientDataOf(tenant, leaving)).as("recorded before the erasure").isNotEmpty();

        api.delete("/v1/me").as(leaving).send().expect(204);

        assertThat(cartRowsOf(tenant, leaving)).isZero();
        assertThat(Outboxes.count(server, leaving.email())).isZero();
        assertThat(Outboxes.count(server, unconfirmed)).as("the unconfirmed email change's new address").isZero();
        assertThat(clientDataOf(tenant, leaving)).isEmpty();
        JsonNode erased = AuditEvents.only(api, tenant, leaving.customerId(), "customer.deleted");
        assertThat(erased.path("data").path("by").asText()).isEqualTo("customer");
        assertThat(AuditEvents.types(api, tenant, leaving.customerId())).contains("customer.registered");

        assertThat(cartRowsOf(tenant, staying)).isEqualTo(2);
        assertThat(Outboxes.count(server, staying.email())).isPositive();
        assertThat(clientDataOf(tenant, staying)).isNotEmpty();
    }

    @Test
    void deleteThenTheGuestSessionWhoseCartTheShopperClaimedGoesToo() {
        Map<String, Object> settings = new HashMap<>(AT_ONCE);
        settings.put("cart_merge_strategy", "keep");
        Fixtures.Tenant tenant = Fixtures.tenant(api, settings);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        var guest = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
        String anon = guest.str("access_token");
        String guestSession = guest.str("session_id");
        String guestCart = api.post("/v1/carts").key(tenant.pk()).bearer(anon).send().expect(201).str("id");
        String token = api.post("/v1/auth/login").key(tenant.pk()).bearer(anon).body(Map.of("email", shopper.email(),
                "password", shopper.password(), "cart_id", guestCart)).send().expect(200).str("access_token");

        api.delete("/v1/me").key(tenant.pk()).bearer(token).send().expect(204);

        api.get("/v1/auth/token").key(tenant.pk()).bearer(anon).send().expect(401, "invalid_token");
        int rows = server.app.database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM sessions WHERE tenant_id = :t AND id = :id")
                .bind("t", tenant.id()).bind("id", guestSession).mapTo(Integer.class).one());
        assertThat(rows).isZero();
    }

    /** What the merchant did to the account stays attributed, with the merchant's IP and browser. */
    @Test
    void deleteThenEventsTheMerchantCausedKeepTheMerchantsClientData() {
        var shop = StaffFixtures.shop(api, AT_ONCE);
        Fixtures.Shopper leaving = Fixtures.shopper(api, shop.tenant());
        api.patch("/v1/admin/customers/" + leaving.customerId()).bearer(StaffFixtures.ownerToken(api, shop))
                .header("User-Agent", "StaffBrowser/1.0").body(Map.of("first_name", "Ada")).send().expect(200);
        api.patch("/v1/admin/customers/" + leaving.customerId()).bearer(shop.tenant().sk())
                .header("User-Agent", "MerchantBackend/2.0").body(Map.of("email_verified", true)).send().expect(200);

        api.delete("/v1/me").as(leaving).send().expect(204);

        assertThat(clientDataOf(shop.tenant(), leaving)).containsExactlyInAnyOrder("127.0.0.1", "StaffBrowser/1.0",
                "127.0.0.1", "MerchantBackend/2.0", "127.0.0.1", "MerchantBackend/2.0");
        assertThat(AuditEvents.of(api, shop.tenant(), leaving.customerId(), "customer.updated"))
                .extracting(event -> event.path("staff_id").asText(null))
                .containsExactlyInAnyOrder(shop.ownerId(), null);
    }

    @Test
    void registerWhenEmailOfErasedAccountThenAFreshAccount() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Erased"));
        String address = addressOf(shopper);
        api.delete("/v1/me").as(shopper).send().expect(204);

        var again = api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", "another password entirely")).send().expect(201);
        Fixtures.Shopper reborn = new Fixtures.Shopper(tenant, shopper.email(), "another password entirely",
                again.body().path("customer").path("id").asText(), again.str("access_token"),
                again.str("refresh_token"), again.str("session_id"), again.body());

        assertThat(reborn.customerId()).isNotEqualTo(shopper.customerId());
        JsonNode me = api.get("/v1/me?expand=addresses").as(reborn).send().expect(200).body();
        assertThat(me.path("first_name").isNull()).isTrue();
        assertThat(me.path("default_shipping_address_id").isNull()).isTrue();
        assertThat(me.path("addresses")).isEmpty();
        api.get("/v1/me/addresses/" + address).as(reborn).send().expect(404, "not_found");
        JsonNode export = api.get("/v1/me/export").as(reborn).send().expect(200).body();
        assertThat(export.path("sessions").findValuesAsText("id")).containsExactly(reborn.sessionId());
    }

    @Test
    void deleteWhenConfirmationRequiredThenAcceptedAndNothingErased() {
        Fixtures.Shopper shopper = Fixtures.shopper(api, Fixtures.tenant(api));
        String address = addressOf(shopper);

        var res = api.delete("/v1/me").as(shopper).send().expect(202);

        assertThat(res.str("message")).isNotBlank();
        assertNothingErased(shopper, address);
    }

    @Test
    void deleteWhenWrongTokenThenRefusedAndNothingErased() {
        Fixtures.Shopper shopper = Fixtures.shopper(api, Fixtures.tenant(api));
        String address = addressOf(shopper);
        api.delete("/v1/me").as(shopper).send().expect(202);

        api.delete("/v1/me?token=del_0000000000000000000000000000000000000000000").as(shopper).send()
                .expect(400, "invalid_token");
        api.delete("/v1/me?token=").as(shopper).send().expect(400, "invalid_token");

        assertNothingErased(shopper, address);
    }

    @Test
    void deleteWhenWrongTokenAndNoConfirmationRequiredThenStillRefused() {
        Fixtures.Shopper shopper = Fixtures.shopper(api, Fixtures.tenant(api, AT_ONCE));
        String address = addressOf(shopper);

        api.delete("/v1/me?token=guess").as(shopper).send().expect(400, "invalid_token");

        assertNothingErased(shopper, address);
    }

    @Test
    void deleteWhenAnotherCustomerDeletesThenOnlyTheirAccountGoes() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper leaving = Fixtures.shopper(api, tenant);
        Fixtures.Shopper staying = Fixtures.shopper(api, tenant);
        String address = addressOf(staying);

        api.delete("/v1/me").as(leaving).send().expect(204);

        assertNothingErased(staying, address);
    }

    @Test
    void deleteWhenAnonymousOrWrongTenantThenRefused() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        String anon = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");

        api.delete("/v1/me").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
        api.delete("/v1/me").key(tenant.pk()).send().expect(401, "invalid_token");
        api.delete("/v1/me").key(Fixtures.tenant(api, AT_ONCE).pk()).bearer(shopper.accessToken()).send()
                .expect(401, "invalid_token");

        api.get("/v1/me").as(shopper).send().expect(200);
    }

    @Test
    void requestsOfTheShopperWhileTheErasureRunsThenDoneBeforeOrRefusedAsInvalidToken() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        for (int round = 0; round < 5; round++) {
            Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
            String address = addressOf(shopper);
            List<Callable<Api.Res>> calls = new ArrayList<>();
            calls.add(() -> api.delete("/v1/me").as(shopper).send());
            for (int i = 0; i < 3; i++) {
                Map<String, Object> newAddress = Map.of("line1", "Jungfernstieg " + i, "city", "Hamburg",
                        "country", "DE");
                calls.add(() -> api.patch("/v1/me").as(shopper).body(Map.of("first_name", "Late")).send());
                calls.add(() -> api.post("/v1/me/addresses").as(shopper).body(newAddress).send());
                calls.add(() -> api.patch("/v1/me/addresses/" + address).as(shopper).body(Map.of("city", "Kiel"))
                        .send());
            }

            List<Api.Res> answers = Concurrently.all(calls);

            // done before the erasure, or after it with the token that died with the account
            assertErasedWhileTheOthersWereDoneBeforeOrRefused(answers, 200, 201);
        }
    }

    @Test
    void credentialChangesWhileTheErasureRunsThenDoneBeforeOrRefusedAsInvalidToken() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        for (int round = 0; round < 5; round++) {
            Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
            List<Callable<Api.Res>> calls = new ArrayList<>();
            calls.add(() -> api.delete("/v1/me").as(shopper).send());
            for (int i = 0; i < 2; i++) {
                // each checks the password (a hash's time) between reading the account and locking it
                calls.add(() -> api.post("/v1/me/password").as(shopper).body(Map.of("current_password",
                        shopper.password(), "new_password", "an entirely new passphrase")).send());
                calls.add(() -> api.post("/v1/me/email").as(shopper).body(Map.of("new_email",
                        Fixtures.uniqueEmail(), "password", shopper.password())).send());
            }

            List<Api.Res> answers = Concurrently.all(calls);

            // done before the erasure (or refused by the other change's new password), or after it with the token
            // that died with the account
            assertErasedWhileTheOthersWereDoneBeforeOrRefused(answers, 202, 204, 403);
        }
    }

    /** The first answer is the erasure's; every other is one of {@code before} or 401 {@code invalid_token}. */
    private static void assertErasedWhileTheOthersWereDoneBeforeOrRefused(List<Api.Res> answers, Integer... before) {
        answers.getFirst().expect(204);
        for (Api.Res answer : answers.subList(1, answers.size())) {
            if (answer.status() == 401) {
                answer.expect(401, "invalid_token");
            } else {
                assertThat(answer.status()).as("answer %s", answer.raw()).isIn((Object[]) before);
            }
        }
    }

    @Test
    void endOtherSessionsWhileTheErasureRunsThenNoClientDataIsRecordedAfterIt() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        for (int round = 0; round < 5; round++) {
            Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
            Fixtures.login(api, tenant, shopper.email(), shopper.password());
            List<Callable<Api.Res>> calls = new ArrayList<>();
            calls.add(() -> api.delete("/v1/me").as(shopper).send());
            for (int i = 0; i < 6; i++) {
                calls.add(() -> api.delete("/v1/me/sessions").as(shopper).send());
            }

            List<Api.Res> answers = Concurrently.all(calls);

            answers.getFirst().expect(204);
            for (Api.Res answer : answers.subList(1, answers.size())) {
                assertThat(answer.status()).as("answer %s", answer.raw()).isIn(204, 401);
            }
            assertThat(clientDataOf(tenant, shopper)).as("IP and user agent kept after the erasure").isEmpty();
        }
    }

    @Test
    void logoutWhileTheErasureRunsThenNoClientDataIsRecordedAfterIt() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, AT_ONCE);
        for (int round = 0; round < 5; round++) {
            Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
            List<Fixtures.Shopper> devices = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Fixtures.Shopper device = Fixtures.login(api, tenant, shopper.email(), shopper.password());
                api.get("/v1/auth/token").as(device).send().expect(200);
                devices.add(device);
            }
            List<Callable<Api.Res>> calls = new ArrayList<>();
            calls.add(() -> api.delete("/v1/me").as(shopper).send());
            for (Fixtures.Shopper device : devices) {
                calls.add(() -> api.post("/v1/auth/logout").as(device).send());
            }

            List<Api.Res> answers = Concurrently.all(calls);

            answers.getFirst().expect(204);
            for (Api.Res answer : answers.subList(1, answers.size())) {
                assertThat(answer.status()).as("answer %s", answer.raw()).isIn(204, 401);
                if (answer.status() == 401) {
                    answer.expect(401, "invalid_token");
                }
            }
            assertThat(clientDataOf(tenant, shopper)).as("IP and user agent kept after the erasure").isEmpty();
        }
    }

    @Test
    void refreshTokenReusedWhileTheErasureRunsThenNoClientDataIsRecordedAfterIt() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false,
                "refresh_reuse_grace", 0));
        for (int round = 0; round < 5; round++) {
            Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
            List<String> usedRefreshTokens = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Fixtures.Shopper device = Fixtures.login(api, tenant, shopper.email(), shopper.password());
                Tokens.refresh(api, tenant, device.refreshToken()).expect(200);
                usedRefreshTokens.add(device.refreshToken());
            }
            List<Callable<Api.Res>> calls = new ArrayList<>();
            calls.add(() -> api.delete("/v1/me").as(shopper).send());
            for (String used : usedRefreshTokens) {
                calls.add(() -> Tokens.refresh(api, tenant, used));
            }

            List<Api.Res> answers = Concurrently.all(calls);

            answers.getFirst().expect(204);
            for (Api.Res answer : answers.subList(1, answers.size())) {
                assertThat(answer.status()).as("answer %s", answer.raw()).isEqualTo(401);
                assertThat(answer.code()).isIn("refresh_token_reused", "invalid_token");
            }
            assertThat(clientDataOf(tenant, shopper)).as("IP and user agent kept after the erasure").isEmpty();
        }
    }

    /** The customer's carts and cart lines, counted together. */
    private int cartRowsOf(Fixtures.Tenant tenant, Fixtures.Shopper shopper) {
        return server.app.database().read(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM carts WHERE tenant_id = "
                        + ":tenant AND customer_id = :customer) + (SELECT COUNT(*) FROM cart_items i JOIN carts c ON "
                        + "c.tenant_id = i.tenant_id AND c.id = i.cart_id WHERE c.tenant_id = :tenant "
                        + "AND c.customer_id = :customer)")
                .bind("tenant", tenant.id()).bind("customer", shopper.customerId()).mapTo(Integer.class).one());
    }

    /** The IP addresses and user agents the customer's audit events still carry. */
    private List<String> clientDataOf(Fixtures.Tenant tenant, Fixtures.Shopper shopper) {
        List<String> found = new ArrayList<>();
        api.get("/v1/admin/audit?limit=100&customer_id=" + shopper.customerId()).bearer(tenant.sk()).send().expect(200)
                .body().path("data").forEach(event -> {
                    for (String field : List.of("ip", "user_agent")) {
                        if (!event.path(field).isNull() && !event.path(field).isMissingNode()) {
                            found.add(event.path(field).asText());
                        }
                    }
                });
        return found;
    }

    private String addressOf(Fixtures.Shopper shopper) {
        return Fixtures.address(api, shopper).path("id").asText();
    }

    private void assertNothingErased(Fixtures.Shopper shopper, String address) {
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).body().path("id").asText())
                .isEqualTo(shopper.customerId());
        api.get("/v1/me/addresses/" + address).as(shopper).send().expect(200);
        Fixtures.login(api, shopper.tenant(), shopper.email(), shopper.password());
        api.post("/v1/customers").key(shopper.tenant().pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(409, "email_taken");
    }
}
