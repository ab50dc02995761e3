package dev.latchkey.verification;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class VerificationTest extends MailTest {
    @Test
    void registerWithVerificationUrlThenMailLinkVerifiesEmail() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        var registered = register(tenant, email, Map.of("verification_url", SHOP + "/account/verify",
                "first_name", "Ada")).expect(201);
        assertThat(registered.body().path("customer").path("email_verified").asBoolean()).isFalse();

        MimeMessage mail = smtp.awaitOne(email);
        String token = TestSmtp.token(mail);
        // the address is not proven yet: whoever registered may have typed a stranger's, so their name stays out
        assertThat(TestSmtp.text(mail)).contains(SHOP + "/account/verify?token=" + token).contains("Hello,")
                .doesNotContain("Ada");
        assertThat(TestSmtp.html(mail)).contains("href=\"" + SHOP + "/account/verify?token=" + token + "\"");
        assertThat(TestSmtp.subject(mail)).isEqualTo("Confirm your email address for Test Shop");

        var verified = verify(tenant, Map.of("token", token, "email", email.toUpperCase())).expect(200);
        assertThat(verified.body().path("customer").path("email_verified").asBoolean()).isTrue();
        var me = api.get("/v1/me").key(tenant.pk()).bearer(registered.str("access_token")).send().expect(200);
        assertThat(me.body().path("email_verified").asBoolean()).isTrue();
    }

    @Test
    void verifyWhenTokenReusedThenTokenUsed() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        String token = verificationToken(tenant, email);
        verify(tenant, Map.of("token", token)).expect(200);
        verify(tenant, Map.of("token", token)).expect(400, "token_used");
    }

    @Test
    void verifyWhenExpiredThenTokenExpired() {
        var tenant = shop(Map.of("verification_ttl", 60));
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of("verification_url", SHOP)).expect(201);
        MimeMessage mail = smtp.awaitOne(email);
        assertThat(TestSmtp.text(mail)).contains("expires in 1 minute");
        server.clock.advance(Duration.ofSeconds(61));
        verify(tenant, Map.of("token", TestSmtp.token(mail))).expect(400, "token_expired");
    }

    @Test
    void verifyWhenEmailDiffersThenEmailMismatchAndTokenStaysUsable() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        String token = verificationToken(tenant, email);
        verify(tenant, Map.of("token", token, "email", "someone-else@example.com")).expect(400, "email_mismatch");
        verify(tenant, Map.of("token", token, "email", email)).expect(200);
    }

    @Test
    void verifyWhenTokenOfOtherTenantThenInvalidToken() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        String token = verificationToken(tenant, email);
        verify(other, Map.of("token", token)).expect(400, "invalid_token");
        verify(tenant, Map.of("token", token)).expect(200);
    }

    @Test
    void verifyWhenUsedConcurrentlyThenExactlyOneWins() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        String token = verificationToken(tenant, email);
        Callable<Api.Res> use = () -> verify(tenant, Map.of("token", token));
        List<Integer> statuses = new ArrayList<>();
        for (Api.Res res : Concurrently.all(List.of(use, use))) {
            statuses.add(res.status());
            if (res.status() == 400) {
                assertThat(res.code()).isEqualTo("token_used");
            }
        }
        assertThat(statuses).containsExactlyInAnyOrder(200, 400);
    }

    @Test
    void verifyWhenResetTokenThenInvalidToken() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", shopper.email())).send().expect(202);
        String resetToken = TestSmtp.token(smtp.awaitOne(shopper.email()));
        verify(tenant, Map.of("token", resetToken)).expect(400, "invalid_token");
    }

    @Test
    void registerWhenVerificationUrlOnForeignOriginThenRedirectNotAllowedAndNothingWritten() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        for (String url : List.of("https://evil.example.net/verify", "http://shop.example.com/verify",
                "https://shop.example.com:8443/verify", "javascript:alert(1)", "/relative",
                "https://shop.example.com/verify?token=et_chosen")) {
            var res = register(tenant, email, Map.of("verification_url", url)).expect(422, "redirect_not_allowed");
            assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("verification_url");
        }
        assertThat(queuedTo(email)).isZero();
        register(tenant, email, Map.of()).expect(201);
    }

    @Test
    void registerWhenEmailTakenThenNoMailWritten() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of("verification_url", SHOP)).expect(201);
        register(tenant, email, Map.of("verification_url", SHOP)).expect(409, "email_taken");
        assertThat(queuedTo(email)).isEqualTo(1);
    }

    @Test
    void loginWhenVerificationRequiredThenRefusedUntilVerified() {
        var tenant = Fixtures.tenant(api, Map.of("require_email_verification", true));
        String email = Fixtures.uniqueEmail();
        var res = register(tenant, email, Map.of()).expect(201);
        assertThat(res.str("next_step")).isEqualTo("verify_email");
        assertThat(res.str("access_token")).isNull();
        var login = Map.<String, Object>of("email", email, "password", Fixtures.PASSWORD);
        api.post("/v1/auth/login").key(tenant.pk()).body(login).send().expect(403, "email_not_verified");

        // No allowed origin and no URL: the mail carries the token alone.
        MimeMessage mail = smtp.awaitOne(email);
        assertThat(TestSmtp.text(mail)).doesNotContain("http").contains("Enter this code");
        verify(tenant, Map.of("token", TestSmtp.token(mail))).expect(200);
        api.post("/v1/auth/login").key(tenant.pk()).body(login).send().expect(200);
    }

    @Test
    void registerWhenNoVerificationUrlAndNotRequiredThenNoMail() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of()).expect(201);
        assertThat(queuedTo(email)).isZero();
    }

    @Test
    void resendWhenThrottledThenAcceptedWithoutMailUntilIntervalPassed() {
        var tenant = shop(Map.of("email_interval", 120));
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of("verification_url", SHOP)).expect(201);
        var first = api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of("email", email)).send()
                .expect(202);
        assertThat(queuedTo(email)).isEqualTo(1);
        server.clock.advance(Duration.ofSeconds(121));
        var second = api.post("/v1/auth/verify-email/resend").key(tenant.pk())
                .body(Map.of("email", email, "verification_url", SHOP + "/again")).send().expect(202);
        assertThat(second.body()).isEqualTo(first.body());
        List<MimeMessage> mails = smtp.await(email, 2);
        assertThat(TestSmtp.text(mails.get(1))).contains(SHOP + "/again?token=");
    }

    @Test
    void resendWhenUnknownOrVerifiedThenAcceptedWithoutMail() {
        var tenant = shop(Map.of("email_interval", 0));
        String unknown = Fixtures.uniqueEmail();
        var res = api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of("email", unknown)).send()
                .expect(202);
        assertThat(res.str("message")).isNotBlank();
        assertThat(queuedTo(unknown)).isZero();

        String email = Fixtures.uniqueEmail();
        verify(tenant, Map.of("token", verificationToken(tenant, email))).expect(200);
        api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of("email", email)).send().expect(202);
        assertThat(queuedTo(email)).isEqualTo(1);
    }

    @Test
    void verifyAndResendWhenAccountOnHoldOrDisabledThenRefusedNoMailAndTheTokenKeptForLater() {
        var tenant = shop(Map.of("email_interval", 0));
        for (String status : List.of("on_hold", "disabled")) {
            String email = Fixtures.uniqueEmail();
            String token = verificationToken(tenant, email);
            String id = api.get("/v1/admin/customers?query=" + email).bearer(tenant.sk()).send().expect(200).body()
                    .path("data").get(0).path("id").asText();
            api.patch("/v1/admin/customers/" + id).bearer(tenant.sk()).body(Map.of("status", status)).send()
                    .expect(200);

            api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of("email", email)).send().expect(202);
            assertThat(queuedTo(email)).as(status).isEqualTo(1);
            verify(tenant, Map.of("token", token)).expect(403, "account_" + status);
            assertThat(api.get("/v1/admin/customers/" + id).bearer(tenant.sk()).send().expect(200).body()
                    .path("email_verified").asBoolean()).as(status).isFalse();

            api.patch("/v1/admin/customers/" + id).bearer(tenant.sk()).body(Map.of("status", "active")).send()
                    .expect(200);
            verify(tenant, Map.of("token", token)).expect(200);
        }
    }

    @Test
    void resendWhenVerificationUrlForeignThenRedirectNotAllowed() {
        var tenant = shop(Map.of());
        api.post("/v1/auth/verify-email/resend").key(tenant.pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "verification_url", "https://evil.example.net/x"))
                .send().expect(422, "redirect_not_allowed");
        // the URL is looked at before anything else, the email's form included
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("email", "not an email", "verification_url", "https://evil.example.net/x"),
                Map.of("email", 42, "verification_url", "https://evil.example.net/x"),
                Map.of("verification_url", "https://evil.example.net/x"))) {
            api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(body).send()
                    .expect(422, "redirect_not_allowed");
        }
        api.post("/v1/auth/verify-email/resend").key(tenant.pk())
                .body(Map.of("email", "not an email", "verification_url", SHOP + "/x"))
                .send().expect(422, "validation_failed");
    }

    @Test
    void registerWhenPreferredLanguageGermanThenGermanMail() {
        var tenant = shop(Map.of("verification_ttl", 86_400));
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of("verification_url", SHOP, "preferred_language", "de-AT")).expect(201);
        MimeMessage mail = smtp.awaitOne(email);
        assertThat(TestSmtp.subject(mail)).isEqualTo("Bestätigen Sie Ihre E-Mail-Adresse für Test Shop");
        assertThat(TestSmtp.text(mail)).contains("läuft in 1 Tag ab");
        assertThat(TestSmtp.html(mail)).contains("<html lang=\"de\">");
    }

    @Test
    void verifyWhenBadInputThenRefused() {
        var tenant = shop(Map.of());
        api.post("/v1/auth/verify-email").key(tenant.pk()).body("{\"token\":").send().expect(400, "malformed_json");
        api.post("/v1/auth/verify-email").key(tenant.pk()).body("[]").send().expect(400, "malformed_json");
        verify(tenant, Map.of()).expect(422, "validation_failed");
        verify(tenant, Map.of("token", 42)).expect(422, "validation_failed");
        verify(tenant, Map.of("token", "x".repeat(257))).expect(422, "validation_failed");
        verify(tenant, Map.of("token", "et_nope")).expect(400, "invalid_token");
        verify(tenant, Map.of("token", "cust_abc")).expect(400, "invalid_token");
        api.post("/v1/auth/verify-email").body(Map.of("token", "et_x")).send().expect(401, "invalid_api_key");
        api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of("email", "not-an-email")).send()
                .expect(422, "validation_failed");
        api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of()).send()
                .expect(422, "validation_failed");
    }
}
