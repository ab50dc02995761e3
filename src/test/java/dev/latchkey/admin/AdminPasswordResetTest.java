package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant sends a customer the password-reset mail that "forgot password" sends. */
class AdminPasswordResetTest extends MailTest {
    private static final String CHOSEN = "my own tandem purple staple";
    private static final String SENT_TYPE = "password.reset_sent";

    private static Api.Res sendReset(String bearer, String customerId, Object body) {
        return api.post("/v1/admin/customers/" + customerId + "/password-reset").bearer(bearer).body(body).send();
    }

    private static Api.Res sendReset(Fixtures.Tenant tenant, String customerId, Object body) {
        return sendReset(tenant.sk(), customerId, body);
    }

    @Test
    void resetWhenSecretKeyThenTheForgotMailArrivesAndItsTokenSetsThePassword() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);

        var res = sendReset(tenant, shopper.customerId(), Map.of()).expect(202);

        assertThat(res.str("message")).contains("on its way");
        MimeMessage mail = smtp.awaitOne(shopper.email(), RESET_SUBJECT);
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.subject(mail)).isEqualTo("Reset your Test Shop password");
        assertThat(TestSmtp.text(mail)).contains(SHOP + "?token=" + token).contains("expires in 15 minutes");
        var result = reset(tenant, token, CHOSEN).expect(200);
        assertThat(result.body().path("customer").path("id").asText()).isEqualTo(shopper.customerId());
        login(tenant, shopper.email(), CHOSEN).expect(200);
        login(tenant, shopper.email(), shopper.password()).expect(401, "invalid_credentials");
        reset(tenant, token, "yet another tandem staple").expect(400, "token_used");
        JsonNode event = AuditEvents.only(api, tenant, shopper.customerId(), SENT_TYPE);
        assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(event.path("data").has("staff_id")).isFalse();
        assertThat(event.path("data").has("throttled")).isFalse();
    }

    @Test
    void resetWhenTheSameAsForgotThenOneMailOfTheSameTemplate() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        sendReset(tenant, shopper.customerId(), Map.of()).expect(202);

        List<MimeMessage> mails = smtp.await(shopper.email(), 2);

        String forgotText = TestSmtp.text(mails.get(0)).replace(TestSmtp.token(mails.get(0)), "TOKEN");
        String adminText = TestSmtp.text(mails.get(1)).replace(TestSmtp.token(mails.get(1)), "TOKEN");
        assertThat(TestSmtp.subject(mails.get(1))).isEqualTo(TestSmtp.subject(mails.get(0)));
        assertThat(adminText).isEqualTo(forgotText);
    }

    @Test
    void resetWhenOwnerOrSupportStaffThenTheEventNamesTheMember() {
        var shop = StaffFixtures.shop(api, Map.of("allowed_origins", List.of(SHOP), "email_interval", 0));
        var tenant = shop.tenant();
        var shopper = Fixtures.shopper(api, tenant);
        var support = StaffFixtures.login(api, shop.id(), StaffFixtures.addStaff(api, shop, "support"),
                Fixtures.PASSWORD).expect(200);

        sendReset(support.str("access_token"), shopper.customerId(), Map.of("redirect_url", SHOP + "/reset?lang=de"))
                .expect(202);
        String token = TestSmtp.token(smtp.awaitOne(shopper.email(), RESET_SUBJECT));
        sendReset(StaffFixtures.ownerToken(api, shop), shopper.customerId(), Map.of()).expect(202);

        List<MimeMessage> mails = smtp.await(shopper.email(), 2);
        assertThat(TestSmtp.text(mails.get(0))).contains(SHOP + "/reset?lang=de&token=" + token);
        JsonNode events = AuditEvents.of(api, tenant, shopper.customerId(), SENT_TYPE);
        assertThat(events).extracting(e -> e.path("data").path("staff_id").asText())
                .containsExactlyInAnyOrder(shop.ownerId(), support.str("staff_id"));
        reset(tenant, token, CHOSEN).expect(200);
    }

    @Test
    void resetWhenNoAllowedOriginThenTheMailCarriesTheTokenAlone() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);

        api.post("/v1/admin/customers/" + shopper.customerId() + "/password-reset").bearer(tenant.sk()).send()
                .expect(202);

        MimeMessage mail = smtp.awaitOne(shopper.email(), RESET_SUBJECT);
        assertThat(TestSmtp.text(mail)).doesNotContain("?token=").contains(TestSmtp.token(mail));
        reset(tenant, TestSmtp.token(mail), CHOSEN).expect(200);
    }

    @Test
    void resetWhenWithinEmailIntervalThen202WithoutMailAndTheEventSaysSo() {
        var tenant = shop(Map.of("email_interval", 3600));
        var shopper = Fixtures.shopper(api, tenant);
        resetToken(tenant, shopper.email());

        var held = sendReset(tenant, shopper.customerId(), Map.of()).expect(202);

        assertThat(held.str("message")).contains("email_interval");
        assertThat(queuedTo(shopper.email())).isEqualTo(1);
        JsonNode event = AuditEvents.only(api, tenant, shopper.customerId(), SENT_TYPE);
        assertThat(event.path("data").path("throttled").asBoolean()).isTrue();

        server.clock.advance(Duration.ofSeconds(3601));
        sendReset(tenant, shopper.customerId(), Map.of()).expect(202);
        assertThat(queuedTo(shopper.email())).isEqualTo(2);
        reset(tenant, TestSmtp.token(smtp.await(shopper.email(), 2).get(1)), CHOSEN).expect(200);
    }

    @Test
    void resetWhenAccountCannotLogInThen409WithItsLoginCodeAndNothingSent() {
        var tenant = shop(Map.of());
        var admin = new AdminCalls(api, tenant);
        Map<String, String> codes = Map.of("disabled", "account_disabled", "on_hold", "account_on_hold",
                "pending_activation", "account_pending_activation");
        codes.forEach((status, code) -> {
            var shopper = Fixtures.shopper(api, tenant);
            admin.patch(shopper.customerId(), Map.of("status", status)).expect(200);

            sendReset(tenant, shopper.customerId(), Map.of("redirect_url", SHOP)).expect(409, code);

            assertThat(queuedTo(shopper.email())).as(status).isZero();
            assertThat(AuditEvents.of(api, tenant, shopper.customerId(), SENT_TYPE)).as(status).isEmpty();
        });
    }

    @Test
    void resetWhenUnknownOrAnotherTenantsCustomerThenNotFoundAndNothingSent() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var stranger = Fixtures.shopper(api, other);

        sendReset(tenant, stranger.customerId(), Map.of()).expect(404, "not_found");
        sendReset(other, shopper.customerId(), Map.of()).expect(404, "not_found");
        sendReset(tenant, "cus_unknown", Map.of()).expect(404, "not_found");

        assertThat(queuedTo(shopper.email()) + queuedTo(stranger.email())).isZero();
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), SENT_TYPE)).isEmpty();
        assertThat(AuditEvents.of(api, other, stranger.customerId(), SENT_TYPE)).isEmpty();
    }

    @Test
    void resetWhenBadBodyThenRefusedAndNothingSent() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String id = shopper.customerId();

        var refused = sendReset(tenant, id, Map.of("redirect_url", "https://evil.example.com/reset"))
                .expect(422, "redirect_not_allowed");
        assertThat(Problems.fieldErrors(refused)).containsExactly("redirect_url:not_allowed");
        assertThat(Problems.fieldErrors(sendReset(tenant, id, Map.of("redirect_url", SHOP + "/reset?token=mine"))
                .expect(422, "redirect_not_allowed"))).containsExactly("redirect_url:token_parameter");
        // the link is checked before the customer is looked up, as on the storefront
        sendReset(tenant, "cus_unknown", Map.of("redirect_url", "https://evil.example.com")).expect(422,
                "redirect_not_allowed");
        Problems.assertInvalid(sendReset(tenant, id, Map.of("redirect_url", 7)), "redirect_url", "invalid_type");
        Problems.assertInvalid(sendReset(tenant, id, Map.of("redirect_url", List.of(SHOP))), "redirect_url",
                "invalid_type");
        Problems.assertInvalid(sendReset(tenant, id, Map.of("redirect_url", SHOP + "/" + "x".repeat(2048))),
                "redirect_url", "too_long");
        sendReset(tenant, id, "{").expect(400, "malformed_json");
        sendReset(tenant, id, "[]").expect(400, "malformed_json");

        assertThat(queuedTo(shopper.email())).isZero();
        assertThat(AuditEvents.of(api, tenant, id, SENT_TYPE)).isEmpty();
    }

    @Test
    void resetWhenPublishableKeyOrShopperTokenThenInsufficientScopeAndNothingSent() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);

        sendReset(tenant.pk(), shopper.customerId(), Map.of()).expect(403, "insufficient_scope");
        sendReset(shopper.accessToken(), shopper.customerId(), Map.of()).expect(403, "insufficient_scope");
        api.post("/v1/admin/customers/" + shopper.customerId() + "/password-reset").key(tenant.pk())
                .body(Map.of()).send().expect(401, "invalid_api_key");

        assertThat(queuedTo(shopper.email())).isZero();
    }
}
