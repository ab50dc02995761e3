package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.FakeOidcProvider;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.SoftAuthenticator;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TotpCodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Social login over real HTTP against a fake OpenID provider on loopback: new accounts, returning logins, the refusals
 * (an address with an account already, an unverified one, every check of the ID token, the state's), a provider that
 * is down or disabled, two-step sign-in, linking and unlinking.
 */
class SocialLoginTest extends ApiTest {
    private static final String ORIGIN = "https://shop.example";
    private static final String REDIRECT = ORIGIN + "/oidc/callback";
    private static final String SECRET = "very-secret-client-secret-" + UUID.randomUUID();

    @RegisterExtension
    static final FakeOidcProvider idp = FakeOidcProvider.perClass();

    /** One login on its way: the authorization request's parameters, the state, and the browser's binding. */
    record Started(Fixtures.Tenant tenant, Map<String, String> query, String state, String binding) {

        static Started of(Fixtures.Tenant tenant, Api.Res start) {
            return new Started(tenant, FakeOidcProvider.query(start.str("authorization_url")), start.str("state"),
                    start.str("binding"));
        }

        /** The callback's body for {@code code}, as the browser that started the login sends it. */
        Map<String, Object> body(String code) {
            return Map.of("state", state, "binding", binding, "code", code);
        }
    }

    private Fixtures.Tenant shop() {
        return shop(Map.of());
    }

    private Fixtures.Tenant shop(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("allowed_origins", List.of(ORIGIN));
        var tenant = Fixtures.tenant(api, all);
        provider(tenant, "acme", idp.issuer());
        return tenant;
    }

    private String provider(Fixtures.Tenant tenant, String slug, String issuer) {
        return api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", slug,
                        "display_name", "Acme ID", "issuer", issuer, "client_id", "client-" + tenant.id(),
                        "client_secret", SECRET)).send().expect(201).str("id");
    }

    private Started start(Fixtures.Tenant tenant) {
        return Started.of(tenant, api.post("/v1/auth/oidc/acme/start").key(tenant.pk())
                .body(Map.of("redirect_uri", REDIRECT)).send().expect(200));
    }

    /** {@code shopper} starts linking a provider account to their own. */
    private Started startLink(Fixtures.Shopper shopper) {
        return Started.of(shopper.tenant(), api.post("/v1/auth/oidc/acme/start").as(shopper)
                .body(Map.of("redirect_uri", REDIRECT, "link", true)).send().expect(200));
    }

    private Api.Res callback(Started started, String idToken) {
        return api.post("/v1/auth/oidc/acme/callback").key(started.tenant().pk())
                .body(started.body(idp.authorize(started.query(), idToken))).send();
    }

    private Map<String, Object> claims(Started started, String subject, String email) {
        return idp.claims(started.query(), subject, email, true);
    }

    private static String subject() {
        return "sub-" + UUID.randomUUID();
    }

    @Test
    void firstLoginOpensAVerifiedAccountWithoutPasswordAndTheNextLogsTheSameCustomerIn() {
        var tenant = shop();
        String subject = subject();
        String email = Fixtures.uniqueEmail();
        Started first = start(tenant);
        assertThat(first.query()).containsEntry("response_type", "code").containsEntry("redirect_uri", REDIRECT)
                .containsEntry("scope", "openid email profile").containsEntry("code_challenge_method", "S256")
                .containsEntry("state", first.state()).containsKey("nonce").containsKey("code_challenge");
        assertThat(first.query().get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        // the binding stays with the browser: the provider never sees it
        assertThat(first.binding()).matches("osb_[0-9A-Za-z]{43}");
        assertThat(first.query().values()).noneMatch(value -> value.contains(first.binding()));

        JsonNode created = callback(first, idp.signRs256(claims(first, subject, email))).expect(201).body();
        String customerId = created.path("customer").path("id").asText();
        assertThat(created.path("access_token").asText()).startsWith("cust_");
        assertThat(created.path("customer").path("email").asText()).isEqualTo(email);
        assertThat(created.path("customer").path("email_verified").asBoolean()).isTrue();
        var request = idp.tokenRequests().getLast();
        assertThat(request.form()).containsEntry("grant_type", "authorization_code")
                .containsEntry("redirect_uri", REDIRECT).doesNotContainKey("client_secret");
        assertThat(request.authorization()).startsWith("Basic ");

        Started second = start(tenant);
        // a returning shopper: another address at the provider changes nothing, the subject decides
        JsonNode again = callback(second, idp.signEs256(claims(second, subject, Fixtures.uniqueEmail()))).expect(200)
                .body();
        assertThat(again.path("customer").path("id").asText()).isEqualTo(customerId);
        JsonNode login = AuditEvents.of(api, tenant, customerId, "login.succeeded").get(0).path("data");
        assertThat(login.path("method").asText()).isEqualTo("oidc");

        var shopper = new Fixtures.Shopper(tenant, email, null, customerId, again.path("access_token").asText(),
                null, null, again);
        JsonNode identities = api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data");
        assertThat(identities).hasSize(1);
        assertThat(identities.get(0).path("provider_slug").asText()).isEqualTo("acme");
        assertThat(identities.get(0).path("email").asText()).isEqualTo(email);
        assertThat(AuditEvents.of(api, tenant, customerId, "identity.linked")).hasSize(1);
    }

    @Test
    void addressOfAnExistingAccountIsNotLinkedByItself() {
        var tenant = shop();
        var shopper = Fixtures.shopper(api, tenant);
        Started started = start(tenant);
        callback(started, idp.signRs256(claims(started, subject(), shopper.email().toUpperCase())))
                .expect(409, "account_exists");
        JsonNode failed = AuditEvents.of(api, tenant, shopper.customerId(), "login.failed").get(0).path("data");
        assertThat(failed.path("reason").asText()).isEqualTo("account_exists");
        assertThat(failed.path("method").asText()).isEqualTo("oidc");
    }

    @Test
    void addressTheProviderDoesNotVouchForOpensNoAccount() {
        var tenant = shop();
        for (Object verified : new Object[] {false, null, "false"}) {
            Started started = start(tenant);
            callback(started, idp.signRs256(idp.claims(started.query(), subject(), Fixtures.uniqueEmail(), verified)))
                    .expect(403, "email_not_verified");
        }
    }

    @Test
    void idTokenThatFailsACheckIsRefusedAndTheStateIsUsedUp() {
        var tenant = shop();
        Map<String, java.util.function.Function<Started, String>> spoiled = new java.util.LinkedHashMap<>();
        spoiled.put("bad signature", s -> idp.signWithForeignKey(claims(s, subject(), Fixtures.uniqueEmail())));
        spoiled.put("wrong aud", s -> idp.signRs256(with(claims(s, subject(), Fixtures.uniqueEmail()), "aud",
                "someone-else")));
        spoiled.put("wrong nonce", s -> idp.signRs256(with(claims(s, subject(), Fixtures.uniqueEmail()), "nonce",
                "nonce_other")));
        spoiled.put("expired", s -> idp.signRs256(with(claims(s, subject(), Fixtures.uniqueEmail()), "exp",
                server.clock.instant().getEpochSecond() - 600)));
        spoiled.put("wrong issuer", s -> idp.signRs256(with(claims(s, subject(), Fixtures.uniqueEmail()), "iss",
                "https://evil.example")));
        spoiled.put("issued in the future", s -> idp.signRs256(with(claims(s, subject(), Fixtures.uniqueEmail()),
                "iat", server.clock.instant().getEpochSecond() + 3600)));
        spoiled.put("alg none", s -> unsigned(claims(s, subject(), Fixtures.uniqueEmail())));
        spoiled.forEach((name, token) -> {
            Started started = start(tenant);
            var res = callback(started, token.apply(started));
            assertThat(res.status()).as(name).isEqualTo(401);
            assertThat(res.code()).as(name).isEqualTo("invalid_id_token");
            // the state went with the refusal
            callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())))
                    .expect(400, "invalid_state");
        });
    }

    @Test
    void keySetIsReadAgainOnlyForAKeyIdItDoesNotHoldAndAtMostOnceAMinute() {
        try (var own = FakeOidcProvider.start(TestServer.shared().clock)) {
            var tenant = shop();
            provider(tenant, "own", own.issuer());
            loginAt(tenant, own, own::signRs256).expect(201);
            assertThat(own.jwksRequests()).isEqualTo(1);

            // forged tokens naming a key the set holds: refused without a call to the provider
            for (int i = 0; i < 3; i++) {
                loginAt(tenant, own, own::signWithForeignKey).expect(401, "invalid_id_token");
            }
            assertThat(own.jwksRequests()).isEqualTo(1);

            // a key id the set does not hold: read again once a minute at most, however many tokens name one
            server.clock.advance(ProviderDirectory.REREAD_AFTER.plusSeconds(1));
            for (int i = 0; i < 3; i++) {
                loginAt(tenant, own, own::signWithUnknownKey).expect(401, "invalid_id_token");
            }
            assertThat(own.jwksRequests()).isEqualTo(2);

            // the provider rotates: its new key is read within the minute's limit
            own.rotateRsaKey();
            loginAt(tenant, own, own::signRs256).expect(401, "invalid_id_token");
            assertThat(own.jwksRequests()).isEqualTo(2);
            server.clock.advance(ProviderDirectory.REREAD_AFTER.plusSeconds(1));
            loginAt(tenant, own, own::signRs256).expect(201);
            loginAt(tenant, own, own::signRs256).expect(201);
            assertThat(own.jwksRequests()).isEqualTo(3);
        }
    }

    /** A new shopper's login at provider {@code own} (slug {@code own}), the ID token signed by {@code sign}. */
    private Api.Res loginAt(Fixtures.Tenant tenant, FakeOidcProvider own,
                            java.util.function.Function<Map<String, Object>, String> sign) {
        Started started = Started.of(tenant, api.post("/v1/auth/oidc/own/start").key(tenant.pk())
                .body(Map.of("redirect_uri", REDIRECT)).send().expect(200));
        var query = started.query();
        String code = own.authorize(query, sign.apply(own.claims(query, subject(), Fixtures.uniqueEmail(), true)));
        return api.post("/v1/auth/oidc/own/callback").key(tenant.pk()).body(started.body(code)).send();
    }

    @Test
    void loginIgnoresAStaleCustomerTokenThatComesAlong() {
        var tenant = shop();
        var last = Fixtures.verifiedShopper(api, tenant, Map.of());
        api.post("/v1/auth/logout").as(last).send().expect(204);
        var other = Fixtures.shopper(api, tenant);
        String subject = subject();
        String email = Fixtures.uniqueEmail();
        // revoked, unknown, and a live one of another customer: the provider account's own customer logs in
        String customerId = null;
        for (String stale : List.of(last.accessToken(), "cust_unknown", other.accessToken())) {
            Started started = start(tenant);
            String code = idp.authorize(started.query(), idp.signRs256(claims(started, subject, email)));
            JsonNode body = api.post("/v1/auth/oidc/acme/callback").key(tenant.pk()).bearer(stale)
                    .body(started.body(code)).send().expect(customerId == null ? 201 : 200)
                    .body();
            String loggedIn = body.path("customer").path("id").asText();
            assertThat(loggedIn).isNotEqualTo(last.customerId()).isNotEqualTo(other.customerId());
            customerId = customerId == null ? loggedIn : customerId;
            assertThat(loggedIn).isEqualTo(customerId);
        }
    }

    @Test
    void linkStillNeedsTheSameCustomersLiveToken() {
        var tenant = shop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Started link = startLink(shopper);
        String code = idp.authorize(link.query(), idp.signRs256(claims(link, subject(), shopper.email())));
        api.post("/v1/auth/logout").as(shopper).send().expect(204);
        finish(link, code, shopper).expect(401, "invalid_token");

        var again = Fixtures.verifiedShopper(api, tenant, Map.of());
        link = startLink(again);
        code = idp.authorize(link.query(), idp.signRs256(claims(link, subject(), again.email())));
        // without a token it is no link, and not a login either
        finish(link, code, null).expect(400, "invalid_state");
        assertThat(api.get("/v1/me/identities").as(again).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void stateUsedExpiredUnknownOrOfAnotherTenantIsRefused() {
        var tenant = shop();
        Started started = start(tenant);
        callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail()))).expect(201);
        callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())))
                .expect(400, "invalid_state");

        Started expired = start(tenant);
        server.app.database().tx(h -> h.createUpdate("UPDATE oidc_states SET expires_at = :past WHERE tenant_id = "
                + ":tenant").bind("past", dev.latchkey.db.Database.ts(server.clock.instant().minusSeconds(1)))
                .bind("tenant", tenant.id()).execute());
        callback(expired, idp.signRs256(claims(expired, subject(), Fixtures.uniqueEmail())))
                .expect(400, "invalid_state");

        var other = shop();
        Started elsewhere = start(other);
        api.post("/v1/auth/oidc/acme/callback").key(tenant.pk())
                .body(elsewhere.body(idp.authorize(elsewhere.query(), "x"))).send().expect(400, "invalid_state");
        api.post("/v1/auth/oidc/acme/callback").key(tenant.pk())
                .body(Map.of("state", "ost_unknown", "binding", elsewhere.binding(), "code", "c")).send()
                .expect(400, "invalid_state");
    }

    /**
     * Login CSRF (RFC 9700 4.7): the attacker starts a login, signs in at the provider as themself and plants the
     * redirect's code and state on the victim, whose browser holds the binding of a login of its own only.
     */
    @Test
    void plantedCodeAndStateMeetNoMatchingBindingAndTheStateIsUsedUp() {
        var tenant = shop();
        String attackersEmail = Fixtures.uniqueEmail();
        Started attackers = start(tenant);
        String code = idp.authorize(attackers.query(), idp.signRs256(claims(attackers, subject(), attackersEmail)));
        Started victims = start(tenant);
        int exchanged = idp.tokenRequests().size();

        var planted = Map.<String, Object>of("state", attackers.state(), "binding", victims.binding(), "code", code);
        api.post("/v1/auth/oidc/acme/callback").key(tenant.pk()).body(planted).send().expect(400, "invalid_state");
        // the code was never exchanged, and the state is used up: not even the right binding finishes it now
        assertThat(idp.tokenRequests()).hasSize(exchanged);
        api.post("/v1/auth/oidc/acme/callback").key(tenant.pk()).body(attackers.body(code)).send()
                .expect(400, "invalid_state");
        assertThat(customersWith(tenant, attackersEmail)).isEmpty();
        // the victim's own login is untouched
        callback(victims, idp.signRs256(claims(victims, subject(), Fixtures.uniqueEmail()))).expect(201);
    }

    @Test
    void loginStartedBeforeThereWereBindingsIsRefusedAsAnUnknownState() {
        var tenant = shop();
        Started started = start(tenant);
        server.app.database().tx(h -> h.createUpdate("UPDATE oidc_states SET binding_hash = NULL WHERE tenant_id = "
                + ":tenant").bind("tenant", tenant.id()).execute());
        callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())))
                .expect(400, "invalid_state");
    }

    @Test
    void callbackWithoutAStringBindingIsRefusedBeforeTheStateIsLookedAt() {
        var tenant = shop();
        Started started = start(tenant);
        String code = idp.authorize(started.query(), idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())));
        var missing = Map.<String, Object>of("state", started.state(), "code", code);
        Problems.assertInvalid(api.post("/v1/auth/oidc/acme/callback").key(tenant.pk()).body(missing).send(),
                "binding", "required");
        for (Object wrong : List.of(42, true, List.of(started.binding()), Map.of("value", started.binding()),
                "osb_" + "A".repeat(125))) {
            Problems.assertInvalidField(api.post("/v1/auth/oidc/acme/callback").key(tenant.pk())
                    .body(with(started.body(code), "binding", wrong)).send(), "binding");
        }
        // refused for its fields, the callback left the state alone
        api.post("/v1/auth/oidc/acme/callback").key(tenant.pk()).body(started.body(code)).send().expect(201);
    }

    @Test
    void linkNeedsTheBindingOfTheBrowserThatStartedIt() {
        var tenant = shop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Started link = startLink(shopper);
        String code = idp.authorize(link.query(), idp.signRs256(claims(link, subject(), shopper.email())));
        Problems.assertInvalid(api.post("/v1/auth/oidc/acme/callback").as(shopper)
                .body(Map.of("state", link.state(), "code", code)).send(), "binding", "required");
        // a planted link carries another browser's binding: the same customer's token does not make up for it
        Started own = startLink(shopper);
        api.post("/v1/auth/oidc/acme/callback").as(shopper)
                .body(with(link.body(code), "binding", own.binding())).send().expect(400, "invalid_state");
        finish(link, code, shopper).expect(400, "invalid_state");
        assertThat(api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data")).isEmpty();

        code = idp.authorize(own.query(), idp.signRs256(claims(own, subject(), shopper.email())));
        finish(own, code, shopper).expect(200);
        assertThat(api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data")).hasSize(1);
    }

    @Test
    void redirectOutsideTheAllowedOriginsIsRefusedBeforeAnythingElse() {
        var tenant = shop();
        api.post("/v1/auth/oidc/acme/start").key(tenant.pk())
                .body(Map.of("redirect_uri", "https://evil.example/cb")).send().expect(422, "redirect_not_allowed");
        api.post("/v1/auth/oidc/nobody/start").key(tenant.pk()).body(Map.of("redirect_uri", REDIRECT)).send()
                .expect(404, "not_found");
    }

    @Test
    void providerDownOrFailingAnswers502WithoutTheSecret() {
        var tenant = shop();
        provider(tenant, "down", "http://127.0.0.1:9");
        var down = api.post("/v1/auth/oidc/down/start").key(tenant.pk()).body(Map.of("redirect_uri", REDIRECT))
                .send().expect(502, "identity_provider_error");
        assertThat(down.raw()).doesNotContain(SECRET);

        Started started = start(tenant);
        idp.failTokensWith(500);
        try {
            var failed = callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())))
                    .expect(502, "identity_provider_error");
            assertThat(failed.raw()).doesNotContain(SECRET).contains("HTTP 500");
        } finally {
            idp.failTokensWith(200);
        }
    }

    @Test
    void disabledProviderIsNotFoundAtStartAndCallback() {
        var tenant = shop();
        Started started = start(tenant);
        String id = api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).body()
                .path("data").get(0).path("id").asText();
        api.patch("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).body(Map.of("enabled", false)).send()
                .expect(200);
        callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail()))).expect(404);
        api.post("/v1/auth/oidc/acme/start").key(tenant.pk()).body(Map.of("redirect_uri", REDIRECT)).send()
                .expect(404, "not_found");
    }

    @Test
    void providerDisabledWhileTheCodeIsExchangedLogsNobodyIn() {
        var tenant = shop();
        var shopper = passwordLess(tenant);
        String id = onlyIdentityProvider(tenant);
        Started started = start(tenant);
        // the merchant turns the provider off (it was compromised, say) while its token endpoint takes its time
        idp.beforeTokenAnswer(() -> api.patch("/v1/admin/identity-providers/" + id).bearer(tenant.sk())
                .body(Map.of("enabled", false)).send().expect(200));
        String subject = api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data").get(0)
                .path("subject").asText();
        callback(started, idp.signRs256(claims(started, subject, shopper.email()))).expect(404, "not_found");
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "login.succeeded")).hasSize(1);
    }

    @Test
    void providerDeletedWhileTheCodeIsExchangedOpensNoAccountAndAnswers404() {
        var tenant = shop();
        String id = onlyIdentityProvider(tenant);
        Started started = start(tenant);
        idp.beforeTokenAnswer(() -> api.delete("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).send()
                .expect(204));
        String email = Fixtures.uniqueEmail();
        callback(started, idp.signRs256(claims(started, subject(), email))).expect(404, "not_found");
        assertThat(customersWith(tenant, email)).isEmpty();
    }

    /**
     * The merchant deletes the provider after the link's transaction found it enabled, while that transaction waits
     * for the shopper's row: the link is not written against a provider that is gone (a broken reference, 500), and
     * the callback answers as for a provider deleted before it came.
     */
    @Test
    void linkWhenTheProviderIsDeletedAfterTheCallbackFoundItThen404AndNoLink() throws Exception {
        var tenant = shop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        String provider = onlyIdentityProvider(tenant);
        Started link = startLink(shopper);
        String code = idp.authorize(link.query(), idp.signRs256(claims(link, subject(), shopper.email())));

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.customerId()),
                () -> finish(link, code, shopper), providerDeletion(tenant, provider));

        answer.expect(404, "not_found");
        assertThat(api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data")).isEmpty();
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "identity.linked")).isEmpty();
    }

    /**
     * A first sign-up holds its provider's row only against the merchant's change or deletion, not against other
     * logins: while another transaction holds the row as a login does, a new account through the same provider opens
     * at once. (H2 has no shared row lock: there such sign-ups queue for the milliseconds each holds it.)
     */
    @Test
    void newAccountWhileAnotherLoginHoldsTheProviderThenItDoesNotWait() throws Exception {
        Assumptions.assumeTrue(TestDatabases.postgres(), "H2 has no shared row lock");
        var tenant = shop();
        String provider = onlyIdentityProvider(tenant);
        Started started = start(tenant);
        String idToken = idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail()));
        try (Connection other = server.app.database().dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement held = other.prepareStatement(
                    "SELECT id FROM identity_providers WHERE tenant_id = ? AND id = ? FOR SHARE")) {
                held.setString(1, tenant.id());
                held.setString(2, provider);
                held.executeQuery().close();
            }

            Api.Res answer = CompletableFuture.supplyAsync(() -> callback(started, idToken))
                    .get(10, TimeUnit.SECONDS);

            answer.expect(201);
            other.rollback();
        }
    }

    /** The statements of the merchant's deletion of {@code provider}, after the row is locked. */
    private static RowLocks.Sql[] providerDeletion(Fixtures.Tenant tenant, String provider) {
        return new RowLocks.Sql[] {
                new RowLocks.Sql("DELETE FROM oidc_states WHERE tenant_id = ? AND provider_id = ?", tenant.id(),
                        provider),
                new RowLocks.Sql("DELETE FROM customer_identities WHERE tenant_id = ? AND provider_id = ?",
                        tenant.id(), provider),
                new RowLocks.Sql("DELETE FROM identity_providers WHERE tenant_id = ? AND id = ?", tenant.id(),
                        provider)};
    }

    /**
     * A password-less shopper removes their passkey, which their link to the provider lets go, while the merchant is
     * disabling that provider: the removal waits for the provider's row, then finds the link no way in and keeps the
     * passkey. (Without the lock it would not wait, and the account would be left with no way in.)
     */
    @Test
    void passkeyRemovalWhenTheProviderItCountsOnIsBeingDisabledThenWaitsAndKeepsTheLastWayIn() throws Exception {
        var tenant = shop(Map.of("login_codes", false, "webauthn_rp_id", "shop.example"));
        var shopper = passwordLess(tenant);
        String passkey = addPasskey(shopper);

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                "UPDATE identity_providers SET enabled = FALSE WHERE tenant_id = ? AND id = ?",
                () -> api.delete("/v1/me/passkeys/" + passkey).as(shopper).send(), tenant.id(),
                onlyIdentityProvider(tenant));

        answer.expect(409, "last_sign_in_method");
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data")).hasSize(1);
    }

    /** The same while the merchant deletes the provider: the removal finds the link gone with it. */
    @Test
    void passkeyRemovalWhenTheProviderItCountsOnIsBeingDeletedThenWaitsAndKeepsTheLastWayIn() throws Exception {
        var tenant = shop(Map.of("login_codes", false, "webauthn_rp_id", "shop.example"));
        var shopper = passwordLess(tenant);
        String passkey = addPasskey(shopper);
        String provider = onlyIdentityProvider(tenant);

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE identity_providers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), provider),
                () -> api.delete("/v1/me/passkeys/" + passkey).as(shopper).send(), providerDeletion(tenant, provider));

        answer.expect(409, "last_sign_in_method");
        assertThat(api.get("/v1/me/passkeys").as(shopper).send().expect(200).body().path("data")).hasSize(1);
        assertThat(api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data")).isEmpty();
    }

    private String onlyIdentityProvider(Fixtures.Tenant tenant) {
        return api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).body().path("data")
                .get(0).path("id").asText();
    }

    @Test
    void secretSentInTheFormWhenTheProviderOffersOnlyThat() {
        var tenant = shop();
        idp.authMethods(List.of("client_secret_post"));
        try (var other = FakeOidcProvider.start(TestServer.shared().clock)) {
            other.authMethods(List.of("client_secret_post"));
            provider(tenant, "post", other.issuer());
            Started started = Started.of(tenant, api.post("/v1/auth/oidc/post/start").key(tenant.pk())
                    .body(Map.of("redirect_uri", REDIRECT)).send().expect(200));
            String token = other.signRs256(other.claims(started.query(), subject(), Fixtures.uniqueEmail(), true));
            api.post("/v1/auth/oidc/post/callback").key(tenant.pk())
                    .body(started.body(other.authorize(started.query(), token))).send().expect(201);
            var request = other.tokenRequests().getLast();
            assertThat(request.form()).containsEntry("client_secret", SECRET);
            assertThat(request.authorization()).isNull();
        } finally {
            idp.authMethods(List.of("client_secret_basic", "client_secret_post"));
        }
    }

    @Test
    void linkedAccountWithTwoStepSignInGetsTheSecondStepAndUnlinkKeepsAWayIn() {
        var tenant = shop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        api.post("/v1/me/mfa/totp/confirm").as(shopper)
                .body(Map.of("code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);

        // the logged-in shopper links the provider account
        Started link = startLink(shopper);
        String subject = subject();
        String code = idp.authorize(link.query(), idp.signRs256(claims(link, subject, shopper.email())));
        // finished by anyone else, the state is refused
        var other = Fixtures.shopper(api, tenant);
        finish(link, code, other).expect(400, "invalid_state");
        link = startLink(shopper);
        code = idp.authorize(link.query(), idp.signRs256(claims(link, subject, shopper.email())));
        JsonNode linked = finish(link, code, shopper).expect(200).body();
        assertThat(linked.path("id").asText()).startsWith("ident_");

        // the provider account is now a first factor: the second is asked for
        Started login = start(tenant);
        JsonNode step = callback(login, idp.signRs256(claims(login, subject, shopper.email()))).expect(200).body();
        assertThat(step.path("next_step").asText()).isEqualTo("mfa");
        assertThat(step.has("access_token")).isFalse();

        // the account has a password, so the link may go
        api.delete("/v1/me/identities/" + linked.path("id").asText()).as(shopper).send().expect(204);
        assertThat(api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data")).isEmpty();
        api.delete("/v1/me/identities/" + linked.path("id").asText()).as(shopper).send().expect(404);
    }

    /** A shopper whose account a first provider login opened: no password, one linked provider account. */
    private Fixtures.Shopper passwordLess(Fixtures.Tenant tenant) {
        Started started = start(tenant);
        JsonNode created = callback(started, idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())))
                .expect(201).body();
        return new Fixtures.Shopper(tenant, created.path("customer").path("email").asText(), null,
                created.path("customer").path("id").asText(), created.path("access_token").asText(), null, null,
                created);
    }

    private String onlyIdentity(Fixtures.Shopper shopper) {
        return api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data").get(0).path("id")
                .asText();
    }

    /** A passkey the shopper adds with a software authenticator at the shop's origin; its id. */
    private String addPasskey(Fixtures.Shopper shopper) {
        JsonNode options = api.post("/v1/me/passkeys/options").as(shopper).send().expect(200).body()
                .path("public_key");
        return api.post("/v1/me/passkeys").as(shopper).body(Map.of("credential", SoftAuthenticator.create()
                .register(options, SoftAuthenticator.from(ORIGIN)))).send().expect(201).str("id");
    }

    @Test
    void onlyWayInIsNotUnlinkedUnlessLoginCodesAreOn() {
        var tenant = shop(Map.of("login_codes", false));
        var shopper = passwordLess(tenant);
        String id = onlyIdentity(shopper);
        api.delete("/v1/me/identities/" + id).as(shopper).send().expect(409, "last_sign_in_method");
        // another customer's identity is not found
        var other = Fixtures.shopper(api, tenant);
        api.delete("/v1/me/identities/" + id).as(other).send().expect(404);

        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("login_codes", true)).send().expect(200);
        api.delete("/v1/me/identities/" + id).as(shopper).send().expect(204);
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "identity.unlinked")).hasSize(1);
    }

    @Test
    void linkToDisabledProviderIsNoWayInSoItKeepsNothingFromGoingAndAlwaysGoes() {
        var tenant = shop(Map.of("login_codes", false, "webauthn_rp_id", "shop.example"));
        var shopper = passwordLess(tenant);
        String passkey = addPasskey(shopper);
        var linkedOnly = passwordLess(tenant);
        api.patch("/v1/admin/identity-providers/" + onlyIdentityProvider(tenant)).bearer(tenant.sk())
                .body(Map.of("enabled", false)).send().expect(200);

        // the disabled provider's link signs nobody in: the passkey is the last way in
        api.delete("/v1/me/passkeys/" + passkey).as(shopper).send().expect(409, "last_sign_in_method");
        // and a link that is no way in goes, even from an account that has nothing else
        api.delete("/v1/admin/customers/" + linkedOnly.customerId() + "/identities/" + onlyIdentity(linkedOnly))
                .bearer(tenant.sk()).send().expect(204);
        api.delete("/v1/me/identities/" + onlyIdentity(shopper)).as(shopper).send().expect(204);
        assertThat(AuditEvents.of(api, tenant, linkedOnly.customerId(), "identity.unlinked")).hasSize(1);
        api.delete("/v1/me/passkeys/" + passkey).as(shopper).send().expect(409, "last_sign_in_method");

        // enabled again, a link is a way in once more
        api.patch("/v1/admin/identity-providers/" + onlyIdentityProvider(tenant)).bearer(tenant.sk())
                .body(Map.of("enabled", true)).send().expect(200);
        var relinked = passwordLess(tenant);
        api.delete("/v1/me/identities/" + onlyIdentity(relinked)).as(relinked).send()
                .expect(409, "last_sign_in_method");
    }

    @Test
    void guestCartComesAlongAsWithEveryLogin() {
        var tenant = shop();
        String anonymous = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        String guestCart = api.post("/v1/carts").key(tenant.pk()).bearer(anonymous).send().expect(201).str("id");
        api.put("/v1/carts/" + guestCart + "/items/MUG").key(tenant.pk()).bearer(anonymous)
                .body(Map.of("quantity", 2)).send().expect(200);
        Started started = start(tenant);
        String code = idp.authorize(started.query(), idp.signRs256(claims(started, subject(), Fixtures.uniqueEmail())));
        var session = api.post("/v1/auth/oidc/acme/callback").key(tenant.pk()).bearer(anonymous)
                .body(with(started.body(code), "cart_id", guestCart)).send().expect(201);
        assertThat(session.str("cart_id")).startsWith("cart_");
        var cart = api.get("/v1/carts/" + session.str("cart_id")).key(tenant.pk())
                .bearer(session.str("access_token")).send().expect(200);
        assertThat(cart.raw()).contains("MUG");
    }

    @Test
    void erasedAccountTakesItsLinkAlongAndTheProviderAccountOpensANewOne() {
        var tenant = shop();
        String subject = subject();
        String email = Fixtures.uniqueEmail();
        Started first = start(tenant);
        String customerId = callback(first, idp.signRs256(claims(first, subject, email))).expect(201).body()
                .path("customer").path("id").asText();
        api.delete("/v1/admin/customers/" + customerId).bearer(tenant.sk()).send().expect(204);
        Started again = start(tenant);
        String reopened = callback(again, idp.signRs256(claims(again, subject, email))).expect(201).body()
                .path("customer").path("id").asText();
        assertThat(reopened).isNotEqualTo(customerId);
    }

    @Test
    void twoFirstLoginsAtOnceOpenOneAccountAndBothLogIntoIt() {
        var tenant = shop();
        for (int round = 0; round < 3; round++) {
            String subject = subject();
            String email = Fixtures.uniqueEmail();
            Started one = start(tenant);
            Started two = start(tenant);
            String codeOne = idp.authorize(one.query(), idp.signRs256(claims(one, subject, email)));
            String codeTwo = idp.authorize(two.query(), idp.signRs256(claims(two, subject, email)));
            List<Api.Res> answers = Concurrently.all(List.of(() -> finish(one, codeOne, null),
                    () -> finish(two, codeTwo, null)));
            assertThat(answers).extracting(Api.Res::status).containsExactlyInAnyOrder(201, 200);
            String customerId = answers.get(0).body().path("customer").path("id").asText();
            assertThat(answers.get(1).body().path("customer").path("id").asText()).isEqualTo(customerId);
            assertThat(customersWith(tenant, email)).hasSize(1);
            JsonNode identities = api.get("/v1/admin/customers/" + customerId + "/identities").bearer(tenant.sk())
                    .send().expect(200).body().path("data");
            assertThat(identities).hasSize(1);
            assertThat(identities.get(0).path("subject").asText()).isEqualTo(subject);
        }
    }

    @Test
    void linkRacingAFirstLoginEndsWithOneLinkAndNoOrphanAccount() {
        var tenant = shop();
        for (int round = 0; round < 3; round++) {
            var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
            String subject = subject();
            String email = Fixtures.uniqueEmail();
            Started link = startLink(shopper);
            Started login = start(tenant);
            String linkCode = idp.authorize(link.query(), idp.signRs256(claims(link, subject, email)));
            String loginCode = idp.authorize(login.query(), idp.signRs256(claims(login, subject, email)));
            List<Api.Res> answers = Concurrently.all(List.of(() -> finish(link, linkCode, shopper),
                    () -> finish(login, loginCode, null)));
            Api.Res linked = answers.get(0);
            Api.Res loggedIn = answers.get(1);
            if (linked.status() == 200) {
                // the link won: the login is into the shopper's account, and no account has the address
                assertThat(loggedIn.status()).isEqualTo(200);
                assertThat(loggedIn.body().path("customer").path("id").asText()).isEqualTo(shopper.customerId());
                assertThat(customersWith(tenant, email)).isEmpty();
            } else {
                // the login won: its new account holds the link
                linked.expect(409, "identity_already_linked");
                assertThat(loggedIn.status()).isEqualTo(201);
                String opened = loggedIn.body().path("customer").path("id").asText();
                assertThat(api.get("/v1/admin/customers/" + opened + "/identities").bearer(tenant.sk()).send()
                        .expect(200).body().path("data")).hasSize(1);
                assertThat(api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data")).isEmpty();
            }
        }
    }

    @Test
    void newAccountTakesTheNamesAndLocaleThatPassRegistrationsChecks() {
        var tenant = shop();
        Started started = start(tenant);
        Map<String, Object> claims = new HashMap<>(claims(started, subject(), Fixtures.uniqueEmail()));
        claims.put("given_name", "Ada");
        claims.put("family_name", "Lovelace");
        claims.put("locale", "en-GB");
        JsonNode customer = callback(started, idp.signRs256(claims)).expect(201).body().path("customer");
        assertThat(customer.path("first_name").asText()).isEqualTo("Ada");
        assertThat(customer.path("last_name").asText()).isEqualTo("Lovelace");
        assertThat(customer.path("preferred_language").asText()).isEqualTo("en-GB");

        // a name past the registration's bound and a locale that is no language tag are left out, the login goes on
        Started odd = start(tenant);
        claims = new HashMap<>(claims(odd, subject(), Fixtures.uniqueEmail()));
        claims.put("given_name", "Grace");
        claims.put("family_name", "x".repeat(101));
        claims.put("locale", "en_US!");
        customer = callback(odd, idp.signRs256(claims)).expect(201).body().path("customer");
        assertThat(customer.path("first_name").asText()).isEqualTo("Grace");
        assertThat(customer.path("last_name").isNull()).isTrue();
        assertThat(customer.path("preferred_language").isNull()).isTrue();
    }

    @Test
    void exportsListTheLinkedAccounts() {
        var tenant = shop();
        String subject = subject();
        String email = Fixtures.uniqueEmail();
        Started started = start(tenant);
        JsonNode created = callback(started, idp.signRs256(claims(started, subject, email))).expect(201).body();
        String customerId = created.path("customer").path("id").asText();
        var shopper = new Fixtures.Shopper(tenant, email, null, customerId, created.path("access_token").asText(),
                null, null, created);
        JsonNode own = api.get("/v1/me/export").as(shopper).send().expect(200).body().path("identities");
        JsonNode byMerchant = api.get("/v1/admin/customers/" + customerId + "/export").bearer(tenant.sk()).send()
                .expect(200).body().path("identities");
        for (JsonNode identities : List.of(own, byMerchant)) {
            assertThat(identities).hasSize(1);
            JsonNode identity = identities.get(0);
            assertThat(identity.path("provider_slug").asText()).isEqualTo("acme");
            assertThat(identity.path("provider_name").asText()).isEqualTo("Acme ID");
            assertThat(identity.path("subject").asText()).isEqualTo(subject);
            assertThat(identity.path("email").asText()).isEqualTo(email);
            assertThat(identity.path("created_at").asText()).isNotEmpty();
            // the login that opened the account is the link's first use
            assertThat(identity.path("last_used_at").asText()).isEqualTo(identity.path("created_at").asText());
        }
    }

    @Test
    void identityShowsItsLastLoginAndNoneUntilTheFirstAfterLinking() {
        var tenant = shop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Started link = startLink(shopper);
        String subject = subject();
        String code = idp.authorize(link.query(), idp.signRs256(claims(link, subject, shopper.email())));
        JsonNode linked = finish(link, code, shopper).expect(200).body();
        assertThat(linked.path("last_used_at").isNull()).isTrue();
        String path = "/v1/admin/customers/" + shopper.customerId() + "/identities";
        assertThat(api.get(path).bearer(tenant.sk()).send().expect(200).body().path("data").get(0)
                .path("last_used_at").isNull()).isTrue();

        for (int login = 0; login < 2; login++) {
            Instant before = server.clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Started started = start(tenant);
            callback(started, idp.signRs256(claims(started, subject, shopper.email()))).expect(200);
            Instant after = server.clock.instant();
            JsonNode own = api.get("/v1/me/identities").as(shopper).send().expect(200).body().path("data").get(0);
            JsonNode byMerchant = api.get(path).bearer(tenant.sk()).send().expect(200).body().path("data").get(0);
            JsonNode exported = api.get("/v1/me/export").as(shopper).send().expect(200).body().path("identities")
                    .get(0);
            Instant lastUsed = Instant.parse(own.path("last_used_at").asText());
            assertThat(lastUsed).isBetween(before, after);
            assertThat(byMerchant.path("last_used_at")).isEqualTo(own.path("last_used_at"));
            assertThat(exported.path("last_used_at")).isEqualTo(own.path("last_used_at"));
        }

        // a refused login is no use
        String before = api.get(path).bearer(tenant.sk()).send().expect(200).body().path("data").get(0)
                .path("last_used_at").asText();
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("status", "disabled")).send().expect(200);
        Started refused = start(tenant);
        callback(refused, idp.signRs256(claims(refused, subject, shopper.email()))).expect(403, "account_disabled");
        assertThat(api.get(path).bearer(tenant.sk()).send().expect(200).body().path("data").get(0)
                .path("last_used_at").asText()).isEqualTo(before);
    }

    @Test
    void merchantListsAndUnlinksACustomersAccountsOfItsOwnTenantOnly() {
        var tenant = shop();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Started link = startLink(shopper);
        String code = idp.authorize(link.query(), idp.signRs256(claims(link, subject(), shopper.email())));
        String identityId = finish(link, code, shopper).expect(200).str("id");
        String path = "/v1/admin/customers/" + shopper.customerId() + "/identities";

        JsonNode listed = api.get(path).bearer(tenant.sk()).send().expect(200).body().path("data");
        assertThat(listed).extracting(node -> node.path("id").asText()).containsExactly(identityId);
        // another tenant's key, the storefront's key, unknown ids
        var other = Fixtures.tenant(api);
        api.get(path).bearer(other.sk()).send().expect(404, "not_found");
        api.delete(path + "/" + identityId).bearer(other.sk()).send().expect(404, "not_found");
        api.get(path).bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.delete(path + "/" + identityId).bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.get("/v1/admin/customers/cus_unknown/identities").bearer(tenant.sk()).send().expect(404, "not_found");
        api.delete(path + "/ident_unknown").bearer(tenant.sk()).send().expect(404, "not_found");
        // the identity of another customer is not found under this one
        var stranger = Fixtures.shopper(api, tenant);
        api.delete("/v1/admin/customers/" + stranger.customerId() + "/identities/" + identityId).bearer(tenant.sk())
                .send().expect(404, "not_found");

        api.delete(path + "/" + identityId).bearer(tenant.sk()).send().expect(204);
        assertThat(api.get(path).bearer(tenant.sk()).send().expect(200).body().path("data")).isEmpty();
        api.delete(path + "/" + identityId).bearer(tenant.sk()).send().expect(404, "not_found");
        JsonNode unlinked = AuditEvents.of(api, tenant, shopper.customerId(), "identity.unlinked").get(0).path("data");
        assertThat(unlinked.path("by").asText()).isEqualTo("admin");
        assertThat(unlinked.path("identity_id").asText()).isEqualTo(identityId);
    }

    @Test
    void merchantDoesNotUnlinkTheOnlyWayIn() {
        var tenant = shop(Map.of("login_codes", false));
        var shopper = passwordLess(tenant);
        String path = "/v1/admin/customers/" + shopper.customerId() + "/identities/" + onlyIdentity(shopper);
        api.delete(path).bearer(tenant.sk()).send().expect(409, "last_sign_in_method");
    }

    /** A passkey is a way in: the provider account may go, by the shopper or the merchant, and then not the passkey. */
    @Test
    void passkeyKeepsAWayInSoTheLinkMayGoAndThenNotThePasskey() {
        var tenant = shop(Map.of("login_codes", false, "webauthn_rp_id", "shop.example"));
        var shopper = passwordLess(tenant);
        String passkey = addPasskey(shopper);
        api.delete("/v1/me/identities/" + onlyIdentity(shopper)).as(shopper).send().expect(204);
        api.delete("/v1/me/passkeys/" + passkey).as(shopper).send().expect(409, "last_sign_in_method");

        var another = passwordLess(tenant);
        addPasskey(another);
        api.delete("/v1/admin/customers/" + another.customerId() + "/identities/" + onlyIdentity(another))
                .bearer(tenant.sk()).send().expect(204);
        assertThat(AuditEvents.only(api, tenant, another.customerId(), "identity.unlinked").path("data").path("by")
                .asText()).isEqualTo("admin");
    }

    private Api.Res finish(Started started, String code, Fixtures.Shopper caller) {
        var request = api.post("/v1/auth/oidc/acme/callback");
        request = caller == null ? request.key(started.tenant().pk()) : request.as(caller);
        return request.body(started.body(code)).send();
    }

    private List<JsonNode> customersWith(Fixtures.Tenant tenant, String email) {
        List<JsonNode> found = new java.util.ArrayList<>();
        api.get("/v1/admin/customers?query=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8))
                .bearer(tenant.sk()).send().expect(200).body().path("data").forEach(found::add);
        return found;
    }

    @Test
    void issuerOfAProviderWithLinkedAccountsIsNotChanged() {
        var tenant = shop();
        Started first = start(tenant);
        callback(first, idp.signRs256(claims(first, subject(), Fixtures.uniqueEmail()))).expect(201);
        String id = api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).body()
                .path("data").get(0).path("id").asText();

        // a subject is unique only at its issuer: another issuer's account of the same subject must not log in
        api.patch("/v1/admin/identity-providers/" + id).bearer(tenant.sk())
                .body(Map.of("issuer", "https://other-idp.example")).send().expect(409, "identity_provider_in_use");
        assertThat(api.get("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).send().expect(200)
                .str("issuer")).isEqualTo(idp.issuer());
        api.patch("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).body(Map.of("display_name", "Acme"))
                .send().expect(200);
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> changed = new HashMap<>(claims);
        changed.put(name, value);
        return changed;
    }

    private static String unsigned(Map<String, Object> claims) {
        var encoder = java.util.Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
                + encoder.encodeToString(Api.json(claims).getBytes()) + ".";
    }
}
