package dev.latchkey.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.SoftAuthenticator;
import dev.latchkey.testing.TestSmtp;
import dev.latchkey.testing.TotpCodes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Passkeys through the real server, with a software authenticator: adding one, logging in with it, managing them. */
class PasskeyTest extends MailTest {
    private static final String RP_ID = "shop.example.com";
    private static final JsonNode NO_OPTIONS = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();

    /** A tenant whose storefront at {@link MailTest#SHOP} offers passkeys. */
    private static Fixtures.Tenant passkeyShop() {
        return shop(Map.of("webauthn_rp_id", RP_ID));
    }

    private static SoftAuthenticator.Ceremony fromShop() {
        return SoftAuthenticator.from(SHOP);
    }

    private static JsonNode creationOptions(Fixtures.Shopper shopper) {
        JsonNode body = api.post("/v1/me/passkeys/options").as(shopper).send().expect(200).body();
        assertThat(body.path("expires_in").asInt()).isEqualTo(300);
        return body.path("public_key");
    }

    private static Api.Res addPasskey(Fixtures.Shopper shopper, Map<String, Object> credential) {
        return api.post("/v1/me/passkeys").as(shopper).body(Map.of("credential", credential, "name", "Phone")).send();
    }

    /** A shopper with a passkey of {@code authenticator}. */
    private static JsonNode registered(Fixtures.Shopper shopper, SoftAuthenticator authenticator) {
        return addPasskey(shopper, authenticator.register(creationOptions(shopper), fromShop())).expect(201).body();
    }

    private static JsonNode loginOptions(Fixtures.Tenant tenant, Map<String, Object> body) {
        return api.post("/v1/auth/login/passkey/options").key(tenant.pk()).body(body).send().expect(200).body();
    }

    private static Api.Res passkeyLogin(Fixtures.Tenant tenant, String challengeId, Map<String, Object> credential) {
        return api.post("/v1/auth/login/passkey").key(tenant.pk())
                .body(Map.of("challenge_id", challengeId, "credential", credential)).send();
    }

    /** Options, then the authenticator's assertion made as {@code how} says. */
    private static Api.Res login(Fixtures.Tenant tenant, SoftAuthenticator authenticator,
                                 SoftAuthenticator.Ceremony how) {
        JsonNode options = loginOptions(tenant, Map.of());
        return passkeyLogin(tenant, options.path("challenge_id").asText(),
                authenticator.assertion(options.path("public_key"), how));
    }

    private static JsonNode lastFailure(Fixtures.Tenant tenant, String customerId) {
        return AuditEvents.of(api, tenant, customerId, "login.failed").get(0).path("data");
    }

    @Test
    void registerThenListedMailedAndLoginWithEmailOpensSession() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", "Ada"));
        var authenticator = SoftAuthenticator.create();
        JsonNode options = creationOptions(shopper);
        assertThat(options.path("rp").path("id").asText()).isEqualTo(RP_ID);
        assertThat(options.path("user").path("id").asText()).isNotEqualTo(shopper.customerId()).hasSize(43);
        assertThat(options.path("authenticatorSelection").path("userVerification").asText()).isEqualTo("required");
        assertThat(options.path("attestation").asText()).isEqualTo("none");
        assertThat(options.path("pubKeyCredParams").findValuesAsText("alg")).containsExactly("-7", "-8", "-257");
        assertThat(options.path("excludeCredentials")).isEmpty();

        JsonNode passkey = addPasskey(shopper, authenticator.register(options, fromShop())).expect(201).body();
        assertThat(passkey.path("id").asText()).startsWith("passkey_");
        assertThat(passkey.path("name").asText()).isEqualTo("Phone");
        assertThat(passkey.path("last_used_at").isNull()).isTrue();
        assertThat(passkey.path("transports")).extracting(JsonNode::asText).containsExactly("hybrid", "internal");
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data"))
                .extracting(p -> p.path("id").asText()).containsExactly(passkey.path("id").asText());
        assertThat(TestSmtp.subject(smtp.awaitOne(shopper.email()))).contains("passkey was added");
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "passkey.added").path("data")
                .path("passkey_id").asText()).isEqualTo(passkey.path("id").asText());
        // the next options exclude it
        assertThat(creationOptions(shopper).path("excludeCredentials").get(0).path("id").asText())
                .isEqualTo(authenticator.credentialId());

        JsonNode request = loginOptions(tenant, Map.of("email", shopper.email()));
        assertThat(request.path("public_key").path("allowCredentials").get(0).path("id").asText())
                .isEqualTo(authenticator.credentialId());
        assertThat(request.path("public_key").path("rpId").asText()).isEqualTo(RP_ID);
        JsonNode session = passkeyLogin(tenant, request.path("challenge_id").asText(),
                authenticator.assertion(request.path("public_key"), fromShop())).expect(200).body();
        assertThat(session.path("customer").path("id").asText()).isEqualTo(shopper.customerId());
        api.get("/v1/me").bearer(session.path("access_token").asText()).key(tenant.pk()).send().expect(200);
        JsonNode login = AuditEvents.of(api, tenant, shopper.customerId(), "login.succeeded").get(0).path("data");
        assertThat(login.path("method").asText()).isEqualTo("passkey");
        assertThat(login.path("passkey_id").asText()).isEqualTo(passkey.path("id").asText());
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data").get(0)
                .path("last_used_at").isNull()).isFalse();
    }

    @Test
    void loginWhenNoEmailThenDiscoverablePasskeyLogsIn() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        JsonNode options = loginOptions(tenant, Map.of());
        assertThat(options.path("public_key").path("allowCredentials")).isEmpty();
        assertThat(options.path("challenge_id").asText()).startsWith("pkc_");
        JsonNode session = passkeyLogin(tenant, options.path("challenge_id").asText(),
                authenticator.assertion(options.path("public_key"), fromShop())).expect(200).body();
        assertThat(session.path("customer").path("id").asText()).isEqualTo(shopper.customerId());
    }

    @Test
    void loginOptionsWhenEmailUnknownOrWithoutPasskeysThenStableDecoysShapedAsAPasskeysAre() {
        var tenant = passkeyShop();
        var with = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(with, authenticator);
        var without = Fixtures.verifiedShopper(api, tenant, Map.of());
        String unknown = Fixtures.uniqueEmail();
        JsonNode real = loginOptions(tenant, Map.of("email", with.email())).path("public_key");
        assertThat(real.path("allowCredentials")).hasSize(1);
        JsonNode shape = real.path("allowCredentials").get(0);

        for (String email : List.of(without.email(), unknown)) {
            JsonNode options = loginOptions(tenant, Map.of("email", email)).path("public_key");
            assertThat(iterable(options)).containsExactlyElementsOf(iterable(real));
            JsonNode decoys = options.path("allowCredentials");
            assertThat(decoys.size()).as("decoys of %s", email).isBetween(1, 2);
            for (JsonNode decoy : decoys) {
                assertThat(iterable(decoy)).containsExactlyElementsOf(iterable(shape));
                assertThat(decoy.path("type").asText()).isEqualTo("public-key");
                assertThat(decoy.path("id").asText()).matches("[A-Za-z0-9_-]+")
                        .hasSameSizeAs(authenticator.credentialId());
                assertThat(decoy.path("transports")).isEqualTo(shape.path("transports"));
            }
            // the same at every request, also for the address written otherwise
            assertThat(loginOptions(tenant, Map.of("email", " " + email.toUpperCase(java.util.Locale.ROOT)))
                    .path("public_key").path("allowCredentials")).isEqualTo(decoys);
        }
        // another address, or the same address at another shop, gets other decoys
        assertThat(decoyIds(tenant, unknown)).doesNotContainAnyElementsOf(decoyIds(tenant, without.email()));
        assertThat(decoyIds(passkeyShop(), unknown)).doesNotContainAnyElementsOf(decoyIds(tenant, unknown));
        // once the account has a passkey, its own is listed instead
        registered(without, SoftAuthenticator.create());
        assertThat(decoyIds(tenant, without.email())).hasSize(1)
                .doesNotContainAnyElementsOf(decoyIds(passkeyShop(), without.email()));
    }

    private static List<String> decoyIds(Fixtures.Tenant tenant, String email) {
        return loginOptions(tenant, Map.of("email", email)).path("public_key").path("allowCredentials")
                .findValuesAsText("id");
    }

    @Test
    void loginWhenAssertionNamesADecoyThenInvalidCredentialsAsAnUnknownPasskey() {
        var tenant = passkeyShop();
        var without = Fixtures.verifiedShopper(api, tenant, Map.of());
        for (String email : List.of(without.email(), Fixtures.uniqueEmail())) {
            JsonNode options = loginOptions(tenant, Map.of("email", email));
            String decoy = options.path("public_key").path("allowCredentials").get(0).path("id").asText();
            Map<String, Object> assertion = new HashMap<>(SoftAuthenticator.create()
                    .assertion(options.path("public_key"), fromShop()));
            assertion.put("id", decoy);
            assertion.put("rawId", decoy);
            passkeyLogin(tenant, options.path("challenge_id").asText(), assertion)
                    .expect(401, "invalid_credentials");
            JsonNode failure = api.get("/v1/admin/audit?limit=1&type=login.failed").bearer(tenant.sk()).send()
                    .expect(200).body().path("data").get(0);
            assertThat(failure.path("customer_id").isNull()).isTrue();
            assertThat(failure.path("data").path("reason").asText()).isEqualTo("unknown_passkey");
        }
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void registerWhenOriginRpIdOrUserVerificationWrongThenRejected() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        for (SoftAuthenticator.Ceremony spoilt : List.of(fromShop().origin("https://evil.example"),
                fromShop().rpId("evil.example"), fromShop().withoutUserVerification(),
                fromShop().type("webauthn.get"))) {
            Api.Res res = addPasskey(shopper, SoftAuthenticator.create().register(creationOptions(shopper), spoilt));
            res.expect(400, "passkey_rejected");
        }
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void registerWhenChallengeReplayedUnknownOrAnotherCustomersThenRejected() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var other = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        Map<String, Object> credential = authenticator.register(creationOptions(shopper), fromShop());
        addPasskey(shopper, credential).expect(201);
        addPasskey(shopper, credential).expect(400, "passkey_rejected"); // the challenge is used up
        // another customer's challenge
        Map<String, Object> stolen = SoftAuthenticator.create().register(creationOptions(other), fromShop());
        addPasskey(shopper, stolen).expect(400, "passkey_rejected");
        // one that was never issued
        addPasskey(shopper, SoftAuthenticator.create().register(creationOptions(shopper),
                fromShop().challenge("A".repeat(43)))).expect(400, "passkey_rejected");
        // the same authenticator again, with a fresh challenge: it is registered already
        addPasskey(shopper, authenticator.register(creationOptions(shopper), fromShop()))
                .expect(409, "passkey_exists");
    }

    @Test
    void registerWhenTheMerchantMarkedTheAddressUnprovenMeanwhileThenRefused() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        JsonNode options = creationOptions(shopper);
        // between the options and the credential, the merchant marks the address unproven (a move to a new one would
        // end the session as well)
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email_verified", false)).send().expect(200);
        addPasskey(shopper, SoftAuthenticator.create().register(options, fromShop()))
                .expect(403, "email_not_verified");
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data")).isEmpty();
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "passkey.added")).isEmpty();
    }

    /**
     * The asking session ends (a logout on another device, a password change elsewhere) after its token was checked,
     * while the passkey's transaction waits for the account's row: once it has the row it finds the session ended and
     * adds nothing, as for a token revoked before.
     */
    @Test
    void registerWhenItsSessionEndsWhileItWaitsForTheAccountThenRefusedAndNothingAdded() throws Exception {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Map<String, Object> credential = SoftAuthenticator.create().register(creationOptions(shopper), fromShop());

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.customerId()),
                () -> addPasskey(shopper, credential),
                new RowLocks.Sql("UPDATE sessions SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.sessionId()));

        answer.expect(401, "invalid_token");
        assertThat(api.get("/v1/admin/customers/" + shopper.customerId() + "/passkeys").bearer(tenant.sk()).send()
                .expect(200).body().path("data")).isEmpty();
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "passkey.added")).isEmpty();
    }

    @Test
    void newWayInWhenTheSessionsLoginIsOlderThanFifteenMinutesThenLogInAgainFirst() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        server.clock.advance(Duration.ofMinutes(16));
        String refreshed = api.post("/v1/auth/refresh").key(tenant.pk())
                .body(Map.of("refresh_token", shopper.refreshToken())).send().expect(200).str("access_token");
        api.post("/v1/me/passkeys/options").key(tenant.pk()).bearer(refreshed).send()
                .expect(403, "reauthentication_required");
        // linking a provider account is another way in: the same rule, before any provider is looked at
        api.post("/v1/auth/oidc/no-such-provider/start").key(tenant.pk()).bearer(refreshed)
                .body(Map.of("redirect_uri", SHOP + "/signed-in", "link", true)).send()
                .expect(403, "reauthentication_required");

        var again = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        assertThat(registered(again, SoftAuthenticator.create()).path("id").asText()).startsWith("passkey_");
    }

    @Test
    void registerWhenTransportsAreUnknownOrManyThenOnlyWebAuthnsOnesAreKept() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Map<String, Object> credential = SoftAuthenticator.create().register(creationOptions(shopper), fromShop());
        @SuppressWarnings("unchecked")
        Map<String, Object> response = new java.util.HashMap<>((Map<String, Object>) credential.get("response"));
        List<String> transports = new java.util.ArrayList<>(List.of("usb", "internal"));
        for (int i = 0; i < 8; i++) {
            transports.add(i + ",comma-and-long-" + "x".repeat(14)); // 32 characters each: 329 joined
        }
        response.put("transports", transports);
        Map<String, Object> sent = new java.util.HashMap<>(credential);
        sent.put("response", response);

        JsonNode passkey = addPasskey(shopper, sent).expect(201).body();
        assertThat(passkey.path("transports")).extracting(JsonNode::asText).containsExactly("internal", "usb");
    }

    @Test
    void registerWhenChallengeExpiredThenRejected() {
        var shopper = Fixtures.verifiedShopper(api, passkeyShop(), Map.of());
        JsonNode options = creationOptions(shopper);
        server.clock.advance(Duration.ofSeconds(301));
        addPasskey(shopper, SoftAuthenticator.create().register(options, fromShop())).expect(400, "passkey_rejected");
    }

    @Test
    void loginWhenAssertionSpoiltThenInvalidCredentialsAndRecorded() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        Map<SoftAuthenticator.Ceremony, String> spoilt = new java.util.LinkedHashMap<>();
        spoilt.put(fromShop().origin("https://evil.example"), "wrong_origin");
        spoilt.put(fromShop().rpId("evil.example"), "wrong_rp_id");
        spoilt.put(fromShop().withoutUserVerification(), "user_not_verified");
        spoilt.put(fromShop().badSignature(), "bad_signature");
        spoilt.put(fromShop().type("webauthn.create"), "invalid");
        spoilt.forEach((how, reason) -> {
            login(tenant, authenticator, how).expect(401, "invalid_credentials");
            JsonNode failure = lastFailure(tenant, shopper.customerId());
            assertThat(failure.path("method").asText()).isEqualTo("passkey");
            assertThat(failure.path("reason").asText()).as("reason for %s", how).isEqualTo(reason);
        });
        login(tenant, authenticator, fromShop()).expect(200);
    }

    @Test
    void loginWhenChallengeReplayedExpiredOrUnknownThenInvalidCredentials() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        JsonNode options = loginOptions(tenant, Map.of());
        String challengeId = options.path("challenge_id").asText();
        passkeyLogin(tenant, challengeId, authenticator.assertion(options.path("public_key"), fromShop())).expect(200);
        passkeyLogin(tenant, challengeId, authenticator.assertion(options.path("public_key"), fromShop()))
                .expect(401, "invalid_credentials");
        assertThat(lastFailure(tenant, shopper.customerId()).path("reason").asText()).isEqualTo("unknown_challenge");

        JsonNode expiring = loginOptions(tenant, Map.of());
        server.clock.advance(Duration.ofSeconds(301));
        passkeyLogin(tenant, expiring.path("challenge_id").asText(),
                authenticator.assertion(expiring.path("public_key"), fromShop())).expect(401, "invalid_credentials");
        // the challenge of one set of options with the id of another
        JsonNode first = loginOptions(tenant, Map.of());
        JsonNode second = loginOptions(tenant, Map.of());
        passkeyLogin(tenant, second.path("challenge_id").asText(),
                authenticator.assertion(first.path("public_key"), fromShop())).expect(401, "invalid_credentials");
        passkeyLogin(tenant, "pkc_unknown", authenticator.assertion(first.path("public_key"), fromShop()))
                .expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenCounterGoesBackThenRefusedAsCopied() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        login(tenant, authenticator, fromShop().counter(5)).expect(200);
        login(tenant, authenticator, fromShop().counter(5)).expect(401, "invalid_credentials");
        assertThat(lastFailure(tenant, shopper.customerId()).path("reason").asText()).isEqualTo("counter_regression");
        login(tenant, authenticator, fromShop().counter(3)).expect(401, "invalid_credentials");
        login(tenant, authenticator, fromShop().counter(6)).expect(200);
    }

    @Test
    void loginWhenChallengeOrPasskeyOfAnotherTenantThenInvalidCredentials() {
        var tenant = passkeyShop();
        var elsewhere = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        // the other tenant's challenge at this tenant
        JsonNode foreign = loginOptions(elsewhere, Map.of());
        passkeyLogin(tenant, foreign.path("challenge_id").asText(),
                authenticator.assertion(foreign.path("public_key"), fromShop())).expect(401, "invalid_credentials");
        // this tenant's passkey at the other tenant
        login(elsewhere, authenticator, fromShop()).expect(401, "invalid_credentials");
    }

    /** A passkey with user verification is two factors in one: the TOTP step of a password login is not asked. */
    @Test
    void loginWhenAccountHasTwoStepSignInThenPasskeyAloneOpensSession() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        long into = server.clock.instant().getEpochSecond() % 30;
        server.clock.advance(Duration.ofSeconds(30 - into + 1)); // a code computed now is current when checked
        api.post("/v1/me/mfa/totp/confirm").as(shopper)
                .body(Map.of("code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);
        MailTest.login(tenant, shopper.email(), "not the password").expect(401, "invalid_credentials");
        assertThat(MailTest.login(tenant, shopper.email(), shopper.password()).expect(200).str("next_step"))
                .isEqualTo("mfa");
        assertThat(lockout(tenant, shopper).path("failed_attempts").asInt()).isEqualTo(1);
        JsonNode session = login(tenant, authenticator, fromShop()).expect(200).body();
        assertThat(session.path("access_token").asText()).startsWith("cust_");
        // a completed login: the failures are cleared, as after the second factor of a password login
        assertThat(lockout(tenant, shopper).path("failed_attempts").asInt()).isZero();
        // and the account's state answers at once, with no second factor to wait for
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("status", "on_hold")).send().expect(200);
        login(tenant, authenticator, fromShop()).expect(403, "account_on_hold");
    }

    private static JsonNode lockout(Fixtures.Tenant tenant, Fixtures.Shopper shopper) {
        return api.get("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(tenant.sk()).send()
                .expect(200).body();
    }

    @Test
    void loginWhenGuestCartNamedThenClaimedAsAtPasswordLogin() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        String guest = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        String cartId = api.post("/v1/carts").key(tenant.pk()).bearer(guest).send().expect(201).str("id");
        api.put("/v1/carts/" + cartId + "/items/MUG-1").key(tenant.pk()).bearer(guest).body(Map.of("quantity", 2))
                .send().expect(200);
        JsonNode options = loginOptions(tenant, Map.of());
        JsonNode session = api.post("/v1/auth/login/passkey").key(tenant.pk()).bearer(guest)
                .body(Map.of("challenge_id", options.path("challenge_id").asText(), "cart_id", cartId,
                        "credential", authenticator.assertion(options.path("public_key"), fromShop())))
                .send().expect(200).body();
        String claimed = session.path("cart_id").asText();
        JsonNode cart = api.get("/v1/carts/" + claimed).key(tenant.pk()).bearer(session.path("access_token").asText())
                .send().expect(200).body();
        assertThat(cart.path("items").get(0).path("quantity").asInt()).isEqualTo(2);
    }

    @Test
    void loginWhenAccountDisabledOrOnHoldThenRefusedAsPasswordLoginIs() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        String passkeyId = registered(shopper, authenticator).path("id").asText();
        for (String status : List.of("on_hold", "disabled")) {
            api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                    .body(Map.of("status", status)).send().expect(200);
            login(tenant, authenticator, fromShop()).expect(403, "account_" + status);
            JsonNode refused = lastFailure(tenant, shopper.customerId());
            assertThat(refused.path("reason").asText()).isEqualTo("account_" + status);
            assertThat(refused.path("method").asText()).isEqualTo("passkey");
            assertThat(refused.path("passkey_id").asText()).isEqualTo(passkeyId);
        }
    }

    @Test
    void loginWhenAccountLockedThenInvalidCredentials() {
        var tenant = shop(Map.of("webauthn_rp_id", RP_ID, "lockout_threshold", 2));
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(shopper, authenticator);
        for (int i = 0; i < 2; i++) {
            MailTest.login(tenant, shopper.email(), "wrong password " + i).expect(401);
        }
        login(tenant, authenticator, fromShop()).expect(401, "invalid_credentials");
        assertThat(lastFailure(tenant, shopper.customerId()).path("reason").asText()).isEqualTo("locked");
    }

    @Test
    void routesWhenDisabledOrNotConfiguredThenRefused() {
        var unconfigured = shop(Map.of());
        var shopper = Fixtures.verifiedShopper(api, unconfigured, Map.of());
        api.post("/v1/me/passkeys/options").as(shopper).send().expect(409, "passkeys_not_configured");
        api.post("/v1/auth/login/passkey/options").key(unconfigured.pk()).body(Map.of()).send()
                .expect(409, "passkeys_not_configured");

        var disabled = shop(Map.of("webauthn_rp_id", RP_ID, "passkeys", false));
        var other = Fixtures.verifiedShopper(api, disabled, Map.of());
        api.post("/v1/me/passkeys/options").as(other).send().expect(403, "passkeys_disabled");
        api.post("/v1/auth/login/passkey/options").key(disabled.pk()).body(Map.of()).send()
                .expect(403, "passkeys_disabled");
        api.post("/v1/auth/login/passkey").key(disabled.pk()).body(Map.of("challenge_id", "pkc_x",
                "credential", SoftAuthenticator.create().assertion(NO_OPTIONS, fromShop())))
                .send().expect(403, "passkeys_disabled");
        // listing still works
        api.get("/v1/me/passkeys").as(other).send().expect(200);

        // a passkey added while on stops logging in when the merchant turns passkeys off
        var tenant = passkeyShop();
        var owner = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        registered(owner, authenticator);
        JsonNode options = loginOptions(tenant, Map.of());
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("passkeys", false)).send().expect(200);
        passkeyLogin(tenant, options.path("challenge_id").asText(),
                authenticator.assertion(options.path("public_key"), fromShop())).expect(403, "passkeys_disabled");
    }

    @Test
    void bodiesWhenMalformedThenValidationFailedNamingTheField() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Problems.assertInvalid(api.post("/v1/me/passkeys").as(shopper).body(Map.of()).send(), "credential",
                "required");
        Map<String, Object> credential = new HashMap<>(SoftAuthenticator.create().register(creationOptions(shopper),
                fromShop()));
        credential.put("response", Map.of("clientDataJSON", "not base64!", "attestationObject", 42));
        Api.Res res = api.post("/v1/me/passkeys").as(shopper).body(Map.of("credential", credential)).send();
        Problems.assertInvalid(res, "credential.response.clientDataJSON", "invalid");
        Problems.assertInvalid(res, "credential.response.attestationObject", "invalid_type");
        credential.put("type", "password");
        credential.remove("response");
        res = api.post("/v1/me/passkeys").as(shopper).body(Map.of("credential", credential)).send();
        Problems.assertInvalid(res, "credential.type", "invalid");
        Problems.assertInvalid(res, "credential.response", "required");
        Problems.assertInvalid(api.post("/v1/auth/login/passkey").key(tenant.pk())
                .body(Map.of("credential", "text")).send(), "challenge_id", "required");
        Problems.assertInvalid(api.post("/v1/auth/login/passkey/options").key(tenant.pk())
                .body(Map.of("email", 42)).send(), "email", "invalid_type");
        // decodes as base64url but is no attestation object
        Map<String, Object> garbage = new HashMap<>(SoftAuthenticator.create().register(creationOptions(shopper),
                fromShop()));
        garbage.put("response", Map.of("clientDataJSON", "e30", "attestationObject", "AAAA"));
        api.post("/v1/me/passkeys").as(shopper).body(Map.of("credential", garbage)).send()
                .expect(400, "passkey_rejected");
        api.post("/v1/auth/login/passkey").key(tenant.pk()).body(Map.of("challenge_id",
                loginOptions(tenant, Map.of()).path("challenge_id").asText(), "credential", Map.of("id", "AAAA",
                        "type", "public-key", "response", Map.of("clientDataJSON", "e30", "authenticatorData", "AAAA",
                                "signature", "AAAA")))).send().expect(401, "invalid_credentials");
    }

    @Test
    void renameAndDeleteWhenAnotherCustomersOrTenantsIdThenNotFound() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var other = Fixtures.verifiedShopper(api, tenant, Map.of());
        var foreign = Fixtures.verifiedShopper(api, passkeyShop(), Map.of());
        var authenticator = SoftAuthenticator.create();
        String id = registered(shopper, authenticator).path("id").asText();
        for (Fixtures.Shopper stranger : List.of(other, foreign)) {
            api.patch("/v1/me/passkeys/" + id).as(stranger).body(Map.of("name", "Mine")).send().expect(404);
            api.delete("/v1/me/passkeys/" + id).as(stranger).send().expect(404);
        }
        api.delete("/v1/admin/customers/" + shopper.customerId() + "/passkeys/" + id).bearer(foreign.tenant().sk())
                .send().expect(404);
        assertThat(api.patch("/v1/me/passkeys/" + id).as(shopper).body(Map.of("name", "  Laptop  ")).send()
                .expect(200).str("name")).isEqualTo("Laptop");
        api.delete("/v1/me/passkeys/" + id).as(shopper).send().expect(204);
        api.delete("/v1/me/passkeys/" + id).as(shopper).send().expect(404);
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "passkey.removed").path("data").path("by")
                .asText()).isEqualTo("customer");
        login(tenant, authenticator, fromShop()).expect(401, "invalid_credentials");
    }

    /** A shopper the merchant created without a password, logged in with a mailed code. */
    private static Fixtures.Shopper withoutPassword(Fixtures.Tenant tenant) {
        String email = Fixtures.uniqueEmail();
        String id = api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", email)).send()
                .expect(201).str("id");
        api.post("/v1/auth/login/code").key(tenant.pk()).body(Map.of("email", email)).send().expect(202);
        // the invitation to choose a password comes first
        Matcher code = Pattern.compile("(?m)^([0-9]{6})$").matcher(TestSmtp.text(smtp.awaitOne(email,
                "Your Test Shop login code")));
        assertThat(code.find()).isTrue();
        JsonNode session = api.post("/v1/auth/login/code/verify").key(tenant.pk())
                .body(Map.of("email", email, "code", code.group(1))).send().expect(200).body();
        return new Fixtures.Shopper(tenant, email, null, id, session.path("access_token").asText(),
                session.path("refresh_token").asText(), session.path("session_id").asText(), session);
    }

    /** The merchant may still take it: a lost device goes at once, and a password reset lets the shopper in. */
    @Test
    void deleteWhenLastWayInOfAPasswordLessAccountThenRefusedToTheShopperOnly() {
        var tenant = shop(Map.of("webauthn_rp_id", RP_ID, "login_codes", true));
        var shopper = withoutPassword(tenant);
        String first = registered(shopper, SoftAuthenticator.create()).path("id").asText();
        String second = registered(shopper, SoftAuthenticator.create()).path("id").asText();
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("login_codes", false)).send().expect(200);
        api.delete("/v1/me/passkeys/" + first).as(shopper).send().expect(204);
        var refused = api.delete("/v1/me/passkeys/" + second).as(shopper).send().expect(409, "last_sign_in_method");
        assertThat(refused.str("detail")).contains("last way to log in");
        api.delete("/v1/me/passkeys/passkey_unknown").as(shopper).send().expect(404);
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data"))
                .extracting(p -> p.path("id").asText()).containsExactly(second);
        // the shop's login codes are a way in
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("login_codes", true)).send().expect(200);
        String third = registered(shopper, SoftAuthenticator.create()).path("id").asText();
        api.delete("/v1/me/passkeys/" + second).as(shopper).send().expect(204);
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("login_codes", false)).send().expect(200);
        api.delete("/v1/me/passkeys/" + third).as(shopper).send().expect(409, "last_sign_in_method");
        api.delete("/v1/admin/customers/" + shopper.customerId() + "/passkeys/" + third).bearer(tenant.sk()).send()
                .expect(204);
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void adminListsAndRemovesAndErasureAndExportCoverPasskeys() {
        var tenant = passkeyShop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        String id = registered(shopper, authenticator).path("id").asText();
        registered(shopper, SoftAuthenticator.create());
        String base = "/v1/admin/customers/" + shopper.customerId() + "/passkeys";
        assertThat(api.get(base).bearer(tenant.sk()).send().expect(200).body().path("data")).hasSize(2);
        JsonNode export = api.get("/v1/me/export").as(shopper).send().expect(200).body();
        assertThat(export.path("passkeys")).hasSize(2);
        assertThat(export.path("passkeys").toString()).doesNotContain(authenticator.credentialId());
        api.delete(base + "/" + id).bearer(tenant.sk()).send().expect(204);
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "passkey.removed").path("data").path("by")
                .asText()).isEqualTo("admin");
        login(tenant, authenticator, fromShop()).expect(401, "invalid_credentials");
        api.get("/v1/admin/customers/cus_unknown/passkeys").bearer(tenant.sk()).send().expect(404);

        api.delete("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk()).send().expect(204);
        Integer left = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM passkeys "
                + "WHERE tenant_id = :t").bind("t", tenant.id()).mapTo(Integer.class).one());
        assertThat(left).isZero();
    }

    @Test
    void settingsWhenRpIdOrOriginsInvalidThenRefused() {
        var tenant = Fixtures.tenant(api);
        String path = "/v1/admin/settings";
        for (Object bad : List.of("https://shop.example", "shop.example:443", "10.0.0.1", "shop..example", 42)) {
            Problems.assertInvalidField(api.patch(path).bearer(tenant.sk()).body(Map.of("webauthn_rp_id", bad))
                    .send(), "webauthn_rp_id");
        }
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("webauthn_rp_id", "shop.example",
                "webauthn_origins", List.of("https://other.example"))).send(), "webauthn_origins", "not_allowed");
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("webauthn_origins",
                List.of("http://shop.example"))).send(), "webauthn_origins", "insecure");
        JsonNode settings = api.patch(path).bearer(tenant.sk()).body(Map.of("webauthn_rp_id", " Shop.Example ",
                "webauthn_origins", List.of("https://www.shop.example", "https://shop.example:8443"))).send()
                .expect(200).body();
        assertThat(settings.path("webauthn_rp_id").asText()).isEqualTo("shop.example");
        // plain http only on this machine, whose rp id is localhost
        api.patch(path).bearer(tenant.sk()).body(Map.of("webauthn_rp_id", "localhost", "webauthn_origins",
                List.of("http://localhost:3000"))).send().expect(200);
        settings = api.patch(path).bearer(tenant.sk()).body(new HashMap<>(Map.of("webauthn_origins", List.of())))
                .send().expect(200).body();
        assertThat(settings.path("passkeys").asBoolean()).isTrue();
    }
}
