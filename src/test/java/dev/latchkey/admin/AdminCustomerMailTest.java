package dev.latchkey.admin;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Mail the merchant's actions send: the invitation to choose a password, and a new verification mail. */
class AdminCustomerMailTest extends MailTest {
    private static final String CHOSEN = "my own tandem purple staple";

    private static Api.Res invite(Fixtures.Tenant tenant, Map<String, Object> fields) {
        return api.post("/v1/admin/customers").bearer(tenant.sk()).body(fields).send();
    }

    private static Api.Res setPassword(Fixtures.Tenant tenant, String token) {
        return api.post("/v1/auth/password/reset").key(tenant.pk())
                .body(Map.of("token", token, "new_password", CHOSEN)).send();
    }

    private static Api.Res resend(Fixtures.Tenant tenant, String customerId, Object body) {
        return api.post("/v1/admin/customers/" + customerId + "/verification").bearer(tenant.sk()).body(body).send();
    }

    @Test
    void inviteWhenNeitherPasswordNorHashThenMailLinkSetsThePasswordAndLogsIn() {
        var tenant = shop(Map.of());
        var admin = new AdminCalls(api, tenant);
        String email = Fixtures.uniqueEmail();

        var created = invite(tenant, Map.of("email", email, "first_name", "Ada")).expect(201);

        String id = created.str("id");
        MimeMessage mail = smtp.awaitOne(email);
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.subject(mail)).isEqualTo("Your Test Shop account is ready");
        assertThat(TestSmtp.text(mail)).contains("Hello,").doesNotContain("Ada").contains(SHOP + "?token=" + token)
                .contains("expires in 1 day");
        assertThat(TestSmtp.html(mail)).contains("href=\"" + SHOP + "?token=" + token + "\"");
        admin.login(email, CHOSEN).expect(401, "invalid_credentials");

        var result = setPassword(tenant, token).expect(200);

        assertThat(result.body().path("customer").path("id").asText()).isEqualTo(id);
        assertThat(result.body().path("customer").path("email_verified").asBoolean()).isTrue();
        api.get("/v1/me").key(tenant.pk()).bearer(result.str("access_token")).send().expect(200);
        admin.login(email, CHOSEN).expect(200);
        setPassword(tenant, token).expect(400, "token_used");
        assertThat(admin.events(id, "customer.created").get(0).path("data").path("invited").asBoolean()).isTrue();
    }

    @Test
    void inviteWhenInvitationUrlThenTheLinkPointsThereAndOtherOriginsAreRefused() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        var refused = invite(tenant, Map.of("email", email, "invitation_url", "https://evil.example.com/x"))
                .expect(422, "redirect_not_allowed");
        assertThat(Problems.fieldErrors(refused)).containsExactly("invitation_url:not_allowed");
        Problems.assertInvalid(invite(tenant, Map.of("email", email, "invitation_url", SHOP,
                "password", Fixtures.PASSWORD)), "invitation_url", "invalid");
        assertThat(queuedTo(email)).isZero();

        invite(tenant, Map.of("email", email, "invitation_url", SHOP + "/welcome?lang=en")).expect(201);

        MimeMessage mail = smtp.awaitOne(email);
        assertThat(TestSmtp.text(mail)).contains(SHOP + "/welcome?lang=en&token=" + TestSmtp.token(mail));
    }

    @Test
    void inviteWhenGermanCustomerAndNoAllowedOriginThenGermanMailWithTheTokenAlone() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();

        invite(tenant, Map.of("email", email, "preferred_language", "de")).expect(201);

        MimeMessage mail = smtp.awaitOne(email);
        assertThat(TestSmtp.subject(mail)).isEqualTo("Ihr Konto bei Test Shop ist bereit");
        assertThat(TestSmtp.text(mail)).doesNotContain("?token=").contains(TestSmtp.token(mail));
        setPassword(tenant, TestSmtp.token(mail)).expect(200);
    }

    @Test
    void inviteWhenTokenOlderThanVerificationTtlThenExpired() {
        var tenant = shop(Map.of("verification_ttl", 3600));
        String email = Fixtures.uniqueEmail();
        invite(tenant, Map.of("email", email)).expect(201);
        String token = TestSmtp.token(smtp.awaitOne(email));

        server.clock.advance(Duration.ofSeconds(3601));

        setPassword(tenant, token).expect(400, "token_expired");
    }

    @Test
    void inviteWhenPendingActivationThenThePasswordWaitsForTheMerchant() {
        var tenant = shop(Map.of());
        var admin = new AdminCalls(api, tenant);
        String email = Fixtures.uniqueEmail();
        String id = invite(tenant, Map.of("email", email, "status", "pending_activation")).expect(201).str("id");
        String token = TestSmtp.token(smtp.awaitOne(email));

        setPassword(tenant, token).expect(403, "account_pending_activation");
        admin.patch(id, Map.of("status", "active")).expect(200);

        setPassword(tenant, token).expect(200);
        admin.login(email, CHOSEN).expect(200);
    }

    @Test
    void emailChangedByTheMerchantThenTheOldAddressIsToldTheShopChangedIt() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();

        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email", newEmail)).send().expect(200);

        MimeMessage notice = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.subject(notice)).isEqualTo("Your Test Shop email address was changed");
        assertThat(TestSmtp.text(notice)).contains("Test Shop changed the email address of your account")
                .contains(newEmail).doesNotContain("once it is confirmed");
    }

    @Test
    void resendVerificationWhenUnverifiedThenEveryRequestMailsAToken() {
        var tenant = shop(Map.of("email_interval", 3600));
        var shopper = Fixtures.shopper(api, tenant);

        resend(tenant, shopper.customerId(), Map.of()).expect(202);
        resend(tenant, shopper.customerId(), Map.of("verification_url", SHOP + "/verify")).expect(202);

        List<MimeMessage> mails = smtp.await(shopper.email(), 2);
        String token = TestSmtp.token(mails.get(1));
        assertThat(TestSmtp.text(mails.get(1))).contains(SHOP + "/verify?token=" + token);
        api.post("/v1/auth/verify-email").key(tenant.pk()).body(Map.of("token", token)).send().expect(200);
        resend(tenant, shopper.customerId(), Map.of()).expect(409, "email_already_verified");
        assertThat(new AdminCalls(api, tenant).events(shopper.customerId(), "email.verification_sent")).hasSize(2);
    }

    @Test
    void resendVerificationWhenBadInputOrUnknownCustomerThenRefusedAndNothingSent() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        resend(tenant, shopper.customerId(), Map.of("verification_url", "https://evil.example.com"))
                .expect(422, "redirect_not_allowed");
        Problems.assertInvalid(resend(tenant, shopper.customerId(), Map.of("verification_url", 7)),
                "verification_url", "invalid_type");
        resend(tenant, shopper.customerId(), "{").expect(400, "malformed_json");
        resend(tenant, "cus_unknown", Map.of()).expect(404, "not_found");
        api.post("/v1/admin/customers/" + shopper.customerId() + "/verification").bearer(tenant.sk()).send()
                .expect(202);
        assertThat(queuedTo(shopper.email())).isEqualTo(1);
    }
}
