package dev.latchkey.credential;

import dev.latchkey.cluster.Invalidation;
import dev.latchkey.db.Database;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryTest extends MailTest {
    private static final String NEW_PASSWORD = "a brand new passphrase";

    @Test
    void resetThenLoggedInOtherSessionsRevokedLockoutClearedAndNoticeSent() {
        var tenant = shop(Map.of("allowed_origins", List.of(SHOP, "https://m.example.com")));
        var shopper = Fixtures.shopper(api, tenant);
        var otherDevice = Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        lockOut(tenant.id(), shopper.customerId());

        forgot(tenant, Map.of("email", shopper.email(), "redirect_url", "https://m.example.com/reset?app=1"))
                .expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email());
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.text(mail)).contains("https://m.example.com/reset?app=1&token=" + token)
                .contains("expires in 15 minutes");

        var result = api.post("/v1/auth/password/reset").key(tenant.pk())
                .body(Map.of("token", token, "new_password", NEW_PASSWORD, "new_password_confirmation", NEW_PASSWORD))
                .send().expect(200);
        assertThat(result.str("access_token")).startsWith("cust_");
        assertThat(result.body().path("customer").path("id").asText()).isEqualTo(shopper.customerId());
        api.get("/v1/me").key(tenant.pk()).bearer(result.str("access_token")).send().expect(200);
        api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
        api.get("/v1/me").key(tenant.pk()).bearer(otherDevice.accessToken()).send().expect(401, "invalid_token");
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", otherDevice.refreshToken())).send()
                .expect(401);
        assertThat(lockout(tenant.id(), shopper.customerId())).containsEntry("failed_attempts", 0)
                .containsEntry("locked_until", null);

        login(tenant, shopper.email(), Fixtures.PASSWORD).expect(401, "invalid_credentials");
        login(tenant, shopper.email(), NEW_PASSWORD).expect(200);
        List<MimeMessage> mails = smtp.await(shopper.email(), 2);
        assertThat(TestSmtp.subject(mails.get(1))).isEqualTo("Your Test Shop password was changed");
    }

    /**
     * The reset's new hash changes the customer's row: its one invalidation has every node forget the ended sessions'
     * tokens with the profile, whether or not a session ended; the session the reset opens works at once.
     */
    @Test
    void resetThenTheCustomerIsPublishedOnceWhetherOrNotASessionEnded() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var loggedOut = Fixtures.shopper(api, tenant);
        api.get("/v1/me").as(shopper).send().expect(200);
        api.post("/v1/auth/logout").as(loggedOut).send().expect(204);
        String token = resetToken(tenant, shopper.email());
        String other = resetToken(tenant, loggedOut.email());
        List<Invalidation> published = Publications.of(server, tenant.id());

        String access = reset(tenant, token, NEW_PASSWORD).expect(200).str("access_token");

        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                shopper.customerId()));
        api.get("/v1/me").as(shopper).send().expect(401, "invalid_token");
        api.get("/v1/me").key(tenant.pk()).bearer(access).send().expect(200);
        published.clear();
        reset(tenant, other, NEW_PASSWORD).expect(200);
        assertThat(published).as("no session left to end").containsExactly(new Invalidation(
                Invalidation.Kind.CUSTOMER, tenant.id(), loggedOut.customerId()));
    }

    /** A reset logs the shopper in like a login does: its AuthResult names the customer's active cart. */
    @Test
    void resetThenTheAnswerNamesTheCustomersActiveCart() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String cartId = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
        assertThat(login(tenant, shopper.email(), Fixtures.PASSWORD).expect(200).str("cart_id")).isEqualTo(cartId);

        var result = reset(tenant, resetToken(tenant, shopper.email()), NEW_PASSWORD).expect(200);

        assertThat(result.str("cart_id")).isEqualTo(cartId);
    }

    @Test
    void resetWhenTokenReusedThenTokenUsed() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String token = resetToken(tenant, shopper.email());
        reset(tenant, token, NEW_PASSWORD).expect(200);
        reset(tenant, token, "yet another passphrase").expect(400, "token_used");
        login(tenant, shopper.email(), NEW_PASSWORD).expect(200);
    }

    @Test
    void resetWhenExpiredThenTokenExpired() {
        var tenant = shop(Map.of("password_reset_ttl", 60));
        var shopper = Fixtures.shopper(api, tenant);
        String token = resetToken(tenant, shopper.email());
        server.clock.advance(Duration.ofSeconds(61));
        reset(tenant, token, NEW_PASSWORD).expect(400, "token_expired");
        login(tenant, shopper.email(), Fixtures.PASSWORD).expect(200);
    }

    @Test
    void resetWhenTokenOfOtherTenantThenInvalidToken() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String token = resetToken(tenant, shopper.email());
        reset(other, token, NEW_PASSWORD).expect(400, "invalid_token");
        reset(tenant, token, NEW_PASSWORD).expect(200);
    }

    @Test
    void forgotWhenUnknownEmailThenSameAnswerAndNoMail() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String unknown = Fixtures.uniqueEmail();
        var known = forgot(tenant, Map.of("email", shopper.email())).expect(202);
        var missing = forgot(tenant, Map.of("email", unknown, "redirect_url", SHOP + "/reset")).expect(202);
        assertThat(missing.body()).isEqualTo(known.body());
        assertThat(missing.str("message")).isNotBlank();
        assertThat(queuedTo(unknown)).isZero();
        assertThat(queuedTo(shopper.email())).isEqualTo(1);
    }

    @Test
    void forgotWhenRepeatedWithinIntervalThenOneMailPerInterval() {
        var tenant = shop(Map.of("email_interval", 300));
        var shopper = Fixtures.shopper(api, tenant);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        forgot(tenant, Map.of("email", shopper.email().toUpperCase())).expect(202);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        assertThat(queuedTo(shopper.email())).isEqualTo(1);
        server.clock.advance(Duration.ofSeconds(301));
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        assertThat(queuedTo(shopper.email())).isEqualTo(2);
        smtp.await(shopper.email(), 2);
    }

    @Test
    void resetWhenAnyPasswordChangeHappenedThenOutstandingTokensVoid() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        List<MimeMessage> mails = smtp.await(shopper.email(), 2);
        String first = TestSmtp.token(mails.get(0));
        String second = TestSmtp.token(mails.get(1));
        reset(tenant, second, NEW_PASSWORD).expect(200);
        reset(tenant, first, "another passphrase").expect(400, "invalid_token");

        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        String third = TestSmtp.token(smtp.await(shopper.email(), 4).stream()
                .filter(m -> TestSmtp.subject(m).startsWith("Reset")).toList().get(2));
        var session = Fixtures.login(api, tenant, shopper.email(), NEW_PASSWORD);
        api.post("/v1/me/password").key(tenant.pk()).bearer(session.accessToken())
                .body(Map.of("current_password", NEW_PASSWORD, "new_password", "changed while logged in")).send()
                .expect(204);
        reset(tenant, third, "another passphrase").expect(400, "invalid_token");
    }

    @Test
    void loginWithOldPasswordWhileResetLandsThenNoSessionOutlivesTheReset() throws Exception {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        // a slow (imported bcrypt) hash keeps the login's password check running while the reset commits
        String slowHash = OpenBSDBCrypt.generate("2b", Fixtures.PASSWORD.toCharArray(), new byte[16], 12);
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", email, "password_hash", slowHash))
                .send().expect(201);
        String token = resetToken(tenant, email);

        try (var pool = Executors.newSingleThreadExecutor()) {
            Future<Api.Res> login = pool.submit(() -> login(tenant, email, Fixtures.PASSWORD));
            Thread.sleep(100);
            reset(tenant, token, NEW_PASSWORD).expect(200);
            var answer = login.get();
            if (answer.status() == 200) {
                api.get("/v1/auth/token").key(tenant.pk()).bearer(answer.str("access_token")).send()
                        .expect(401, "invalid_token");
            } else {
                answer.expect(401, "invalid_credentials");
            }
        }
        login(tenant, email, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        login(tenant, email, NEW_PASSWORD).expect(200);
    }

    @Test
    void resetWhenNewPasswordWeakThenRefusedAndTokenStaysUsable() {
        var tenant = shop(Map.of("password_min_length", 12));
        var shopper = Fixtures.shopper(api, tenant);
        String token = resetToken(tenant, shopper.email());
        reset(tenant, token, "short").expect(422, "validation_failed");
        api.post("/v1/auth/password/reset").key(tenant.pk())
                .body(Map.of("token", token, "new_password", NEW_PASSWORD, "new_password_confirmation", "other"))
                .send().expect(422, "validation_failed");
        reset(tenant, token, NEW_PASSWORD).expect(200);
    }

    @Test
    void forgotWhenRedirectOnForeignOriginThenRedirectNotAllowed() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        forgot(tenant, Map.of("email", shopper.email(), "redirect_url", "https://evil.example.net/reset"))
                .expect(422, "redirect_not_allowed");
        forgot(tenant, Map.of("email", Fixtures.uniqueEmail(), "redirect_url", "https://evil.example.net/reset"))
                .expect(422, "redirect_not_allowed");
        // the URL is looked at before anything else, the email's form included
        for (Object email : new Object[]{"not an email", 42}) {
            forgot(tenant, Map.of("email", email, "redirect_url", "https://evil.example.net/reset"))
                    .expect(422, "redirect_not_allowed");
        }
        forgot(tenant, Map.of("redirect_url", "https://evil.example.net/reset")).expect(422, "redirect_not_allowed");
        forgot(tenant, Map.of("email", "not an email", "redirect_url", SHOP + "/reset")).expect(422, "validation_failed");
        assertThat(queuedTo(shopper.email())).isZero();
    }

    @Test
    void forgotWhenRedirectAlreadyCarriesATokenParameterThenRefusedAndNothingMailed() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        for (String url : List.of(SHOP + "/reset?token=et_chosen", SHOP + "/reset?a=1&token=", SHOP + "/reset?token",
                SHOP + "/reset?%74oken=et_chosen", SHOP + "/#/reset?token=et_chosen", SHOP + "/r?x=1#/reset?token=1",
                SHOP + "/#token=et_chosen&", SHOP + "/reset?Token=et_chosen", SHOP + "/reset?a=1;token=et_chosen",
                SHOP + "/#/reset?a=1;TOKEN=x")) {
            var res = forgot(tenant, Map.of("email", shopper.email(), "redirect_url", url))
                    .expect(422, "redirect_not_allowed");
            assertThat(res.body().path("errors").get(0).path("code").asText()).as(url).isEqualTo("token_parameter");
        }
        assertThat(queuedTo(shopper.email())).isZero();
        // names that merely contain the word are the storefront's own
        forgot(tenant, Map.of("email", shopper.email(), "redirect_url", SHOP + "/reset?csrf_token=1#tokens"))
                .expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.text(mail)).contains(SHOP + "/reset?csrf_token=1#tokens?token=" + TestSmtp.token(mail));
    }

    @Test
    void forgotWhenRedirectPastedWithInvisibleSpacesThenTheLinkHasNone() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        forgot(tenant, Map.of("email", shopper.email(), "redirect_url", "\u00a0" + SHOP + "/reset\u200b")).expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.text(mail)).contains("\n" + SHOP + "/reset?token=" + TestSmtp.token(mail) + "\n");
    }

    @Test
    void forgotWhenNoRedirectThenLinkToFirstAllowedOrigin() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.text(mail)).contains(SHOP + "?token=" + TestSmtp.token(mail));
    }

    @Test
    void resetWhenEmailUnverifiedAndVerificationRequiredThenResetVerifiesTheAddress() {
        var tenant = Fixtures.tenant(api, Map.of("require_email_verification", true));
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of()).expect(201);
        var result = reset(tenant, resetToken(tenant, email), NEW_PASSWORD).expect(200);
        assertThat(result.body().path("customer").path("email_verified").asBoolean()).isTrue();
        login(tenant, email, NEW_PASSWORD).expect(200);
    }

    @Test
    void forgotAndResetWhenBadInputThenRefused() {
        var tenant = shop(Map.of());
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body("{").send().expect(400, "malformed_json");
        forgot(tenant, Map.of()).expect(422, "validation_failed");
        forgot(tenant, Map.of("email", 5)).expect(422, "validation_failed");
        forgot(tenant, Map.of("email", "x".repeat(250) + "@example.com")).expect(422, "validation_failed");
        forgot(tenant, Map.of("email", Fixtures.uniqueEmail(), "redirect_url", List.of())).expect(422, "validation_failed");
        api.post("/v1/auth/password/forgot").body(Map.of("email", "a@example.com")).send().expect(401, "invalid_api_key");
        api.post("/v1/auth/password/reset").key(tenant.pk()).body("nope").send().expect(400, "malformed_json");
        api.post("/v1/auth/password/reset").key(tenant.pk()).body(Map.of("token", "et_x")).send()
                .expect(422, "validation_failed");
        reset(tenant, "et_unknown", NEW_PASSWORD).expect(400, "invalid_token");
    }

    private static void lockOut(String tenantId, String customerId) {
        server.app.database().run(h -> h.createUpdate("UPDATE customers SET failed_attempts = 7, locked_until = :until "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("until", Database.ts(Instant.now().plusSeconds(3600))).bind("tenant", tenantId)
                .bind("id", customerId).execute());
    }

    private static Map<String, Object> lockout(String tenantId, String customerId) {
        return server.app.database().read(h -> h.createQuery("SELECT failed_attempts, locked_until FROM customers "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", customerId).mapToMap().one());
    }
}
