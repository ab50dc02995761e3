package dev.latchkey.marketing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Email marketing consent: the double opt-in's mailed link, the shop without it, and the merchant's own changes. */
class MarketingConsentTest extends MailTest {
    private static final Map<String, Object> DOUBLE_OPT_IN = Map.of("marketing_double_opt_in", true);
    private static final String SUBJECT = "Confirm your subscription";

    private static Api.Res confirm(Fixtures.Tenant tenant, String token) {
        return api.post("/v1/marketing/confirm").key(tenant.pk()).body(Map.of("token", token)).send();
    }

    private static Api.Res patchMe(Fixtures.Shopper shopper, Map<String, Object> body) {
        return api.patch("/v1/me").as(shopper).body(body).send().expect(200);
    }

    private static void assertConsent(JsonNode customer, boolean accepts, String state, String level) {
        assertThat(customer.path("accepts_marketing").asBoolean()).isEqualTo(accepts);
        assertThat(customer.path("email_marketing_consent").path("state").asText()).isEqualTo(state);
        assertThat(customer.path("email_marketing_consent").path("opt_in_level").asText()).isEqualTo(level);
    }

    /** A shopper of a double opt-in shop who ticked the box by {@code PATCH /v1/me}, and the token mailed to them. */
    private record Pending(Fixtures.Shopper shopper, String token) {
    }

    private static Pending pending(Fixtures.Tenant tenant) {
        var shopper = Fixtures.shopper(api, tenant);
        assertConsent(patchMe(shopper, Map.of("accepts_marketing", true)).body(), false, "pending", "confirmed_opt_in");
        return new Pending(shopper, TestSmtp.token(smtp.awaitOne(shopper.email(), SUBJECT)));
    }

    @Test
    void doubleOptInWhenShopperTicksThenPendingUntilTheMailedLinkIsOpened() {
        var tenant = shop(DOUBLE_OPT_IN);
        var shopper = Fixtures.shopper(api, tenant);
        assertConsent(shopper.authResult().path("customer"), false, "not_subscribed", "unknown");

        try (var logs = LogCapture.all()) {
            var ticked = patchMe(shopper, Map.of("accepts_marketing", true,
                    "marketing_confirmation_url", SHOP + "/newsletter/confirm"));
            assertConsent(ticked.body(), false, "pending", "confirmed_opt_in");
            assertThat(ticked.body().path("accepts_marketing_updated_at").isNull()).isTrue();

            MimeMessage mail = smtp.awaitOne(shopper.email(), SUBJECT);
            String token = TestSmtp.token(mail);
            assertThat(TestSmtp.text(mail)).contains(SHOP + "/newsletter/confirm?token=" + token)
                    .contains("expires in 1 day");
            JsonNode requested = AuditEvents.only(api, tenant, shopper.customerId(),
                    "customer.marketing_consent_requested");
            assertThat(requested.path("data").toString()).doesNotContain(token);

            var confirmed = confirm(tenant, token).expect(200);
            JsonNode customer = confirmed.body().path("customer");
            assertConsent(customer, true, "subscribed", "confirmed_opt_in");
            assertThat(customer.path("accepts_marketing_updated_at").isNull()).isFalse();
            assertThat(customer.path("email_marketing_consent").path("consent_updated_at").isNull()).isFalse();
            assertThat(String.join("\n", logs.lines())).doesNotContain(token);
        }
        assertConsent(api.get("/v1/me").as(shopper).send().expect(200).body(), true, "subscribed",
                "confirmed_opt_in");
        AuditEvents.only(api, tenant, shopper.customerId(), "customer.marketing_consent_confirmed");
        // the list filter keeps reading accepts_marketing
        var listed = api.get("/v1/admin/customers?accepts_marketing=true").bearer(tenant.sk()).send().expect(200);
        assertThat(listed.body().path("data")).hasSize(1);
        assertThat(listed.body().path("data").get(0).path("id").asText()).isEqualTo(shopper.customerId());
    }

    @Test
    void confirmWhenTokenUsedExpiredGarbageOrOtherShopsThenRefusedAsVerificationIs() {
        var tenant = shop(Map.of("marketing_double_opt_in", true, "verification_ttl", 60));
        var other = shop(DOUBLE_OPT_IN);
        var used = pending(tenant);
        confirm(other, used.token()).expect(400, "invalid_token");
        confirm(tenant, used.token()).expect(200);
        confirm(tenant, used.token()).expect(400, "token_used");
        confirm(tenant, "et_" + "x".repeat(43)).expect(400, "invalid_token");
        confirm(tenant, "garbage").expect(400, "invalid_token");
        api.post("/v1/marketing/confirm").key(tenant.pk()).body(Map.of("token", 5)).send()
                .expect(422, "validation_failed");
        api.post("/v1/marketing/confirm").key(tenant.pk()).body(Map.of()).send().expect(422, "validation_failed");

        var expiring = pending(tenant);
        server.clock.advance(Duration.ofSeconds(61));
        confirm(tenant, expiring.token()).expect(400, "token_expired");
        assertConsent(api.get("/v1/me").as(expiring.shopper()).send().expect(200).body(), false, "pending",
                "confirmed_opt_in");
    }

    @Test
    void confirmWhenAccountOnHoldOrDisabledThenRefusedAsVerificationIsAndTheTokenKeptForLater() {
        var tenant = shop(DOUBLE_OPT_IN);
        for (String status : List.of("on_hold", "disabled")) {
            var pending = pending(tenant);
            String customer = "/v1/admin/customers/" + pending.shopper().customerId();
            api.patch(customer).bearer(tenant.sk()).body(Map.of("status", status)).send().expect(200);

            confirm(tenant, pending.token()).expect(403, "account_" + status);
            assertConsent(api.get(customer).bearer(tenant.sk()).send().expect(200).body(), false, "pending",
                    "confirmed_opt_in");
            assertThat(AuditEvents.types(api, tenant, pending.shopper().customerId()))
                    .doesNotContain("customer.marketing_consent_confirmed");

            api.patch(customer).bearer(tenant.sk()).body(Map.of("status", "active")).send().expect(200);
            assertConsent(confirm(tenant, pending.token()).expect(200).body().path("customer"), true, "subscribed",
                    "confirmed_opt_in");
        }
    }

    @Test
    void confirmWhenVerificationTokenThenInvalidToken() {
        var tenant = shop(DOUBLE_OPT_IN);
        String verification = verificationToken(tenant, Fixtures.uniqueEmail());
        confirm(tenant, verification).expect(400, "invalid_token");
    }

    @Test
    void untickWhilePendingThenNotSubscribedAndTheLinkNoLongerWorks() {
        var tenant = shop(DOUBLE_OPT_IN);
        var pending = pending(tenant);
        assertConsent(patchMe(pending.shopper(), Map.of("accepts_marketing", false)).body(), false,
                "not_subscribed", "confirmed_opt_in");
        confirm(tenant, pending.token()).expect(400, "invalid_token");
        assertConsent(api.get("/v1/me").as(pending.shopper()).send().expect(200).body(), false, "not_subscribed",
                "confirmed_opt_in");

        // ticked again: pending once more, and only the new link subscribes, not the one withdrawn
        server.clock.advance(Duration.ofSeconds(61));
        patchMe(pending.shopper(), Map.of("accepts_marketing", true));
        String renewed = smtp.awaitNewToken(pending.shopper().email(), SUBJECT, pending.token());
        confirm(tenant, pending.token()).expect(400, "invalid_token");
        confirm(tenant, renewed).expect(200);
    }

    @Test
    void untickThenTickAgainWithinTheEmailIntervalThenNoNewMailAndTheLinkMailedMomentsAgoSubscribes() {
        var tenant = shop(DOUBLE_OPT_IN);
        var pending = pending(tenant);
        // changing their mind back and forth mails nothing more: the address is not flooded
        for (int i = 0; i < 3; i++) {
            patchMe(pending.shopper(), Map.of("accepts_marketing", false));
            confirm(tenant, pending.token()).expect(400, "invalid_token");
            assertConsent(patchMe(pending.shopper(), Map.of("accepts_marketing", true)).body(), false, "pending",
                    "confirmed_opt_in");
        }
        assertThat(queuedTo(pending.shopper().email())).isEqualTo(1);
        JsonNode requested = AuditEvents.of(api, tenant, pending.shopper().customerId(),
                "customer.marketing_consent_requested");
        assertThat(requested).hasSize(4).filteredOn(e -> e.path("data").path("throttled").asBoolean()).hasSize(3);

        // the link in their inbox is the one that works, now that they are pending again
        assertConsent(confirm(tenant, pending.token()).expect(200).body().path("customer"), true, "subscribed",
                "confirmed_opt_in");
    }

    @Test
    void tickAgainWhilePendingThenOneMailPerEmailInterval() {
        var tenant = shop(DOUBLE_OPT_IN);
        var pending = pending(tenant);
        patchMe(pending.shopper(), Map.of("accepts_marketing", true));
        assertThat(queuedTo(pending.shopper().email())).isEqualTo(1);
        var events = AuditEvents.of(api, tenant, pending.shopper().customerId(),
                "customer.marketing_consent_requested");
        assertThat(events.get(0).path("data").path("throttled").asBoolean()).isTrue();

        server.clock.advance(Duration.ofSeconds(61));
        patchMe(pending.shopper(), Map.of("accepts_marketing", true));
        String second = smtp.awaitNewToken(pending.shopper().email(), SUBJECT, pending.token());
        confirm(tenant, second).expect(200);
    }

    @Test
    void registerWithConsentUnderDoubleOptInThenPendingAndMailed() {
        var tenant = shop(DOUBLE_OPT_IN);
        String email = Fixtures.uniqueEmail();
        var registered = register(tenant, email, Map.of("accepts_marketing", true,
                "marketing_confirmation_url", SHOP + "/welcome")).expect(201);
        JsonNode customer = registered.body().path("customer");
        assertConsent(customer, false, "pending", "confirmed_opt_in");
        // a choice at sign-up is recorded either way
        assertThat(customer.path("accepts_marketing_updated_at").isNull()).isFalse();
        MimeMessage mail = smtp.awaitOne(email, SUBJECT);
        assertThat(TestSmtp.text(mail)).contains(SHOP + "/welcome?token=" + TestSmtp.token(mail));
        assertConsent(confirm(tenant, TestSmtp.token(mail)).expect(200).body().path("customer"), true, "subscribed",
                "confirmed_opt_in");
    }

    @Test
    void confirmationUrlWhenOriginNotAllowedThenRefusedBeforeAnythingChanges() {
        var tenant = shop(DOUBLE_OPT_IN);
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of("accepts_marketing", true,
                "marketing_confirmation_url", "https://evil.example/x")).expect(422, "redirect_not_allowed");
        var shopper = Fixtures.shopper(api, tenant);
        api.patch("/v1/me").as(shopper).body(Map.of("accepts_marketing", true,
                "marketing_confirmation_url", "https://evil.example/x")).send().expect(422, "redirect_not_allowed");
        assertConsent(api.get("/v1/me").as(shopper).send().expect(200).body(), false, "not_subscribed", "unknown");
        assertThat(queuedTo(email) + queuedTo(shopper.email())).isZero();
        api.patch("/v1/me").as(shopper).body(Map.of("email_marketing_consent", Map.of("state", "subscribed")))
                .send().expect(422, "validation_failed");
    }

    @Test
    void singleOptInWhenShopperTicksThenSubscribedAtOnceAndUntickUnsubscribes() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        var registered = register(tenant, email, Map.of("accepts_marketing", true)).expect(201);
        assertConsent(registered.body().path("customer"), true, "subscribed", "single_opt_in");
        var shopper = Fixtures.login(api, tenant, email, Fixtures.PASSWORD);
        assertConsent(patchMe(shopper, Map.of("accepts_marketing", false)).body(), false, "unsubscribed",
                "single_opt_in");
        assertThat(queuedTo(email)).isZero();
        assertThat(AuditEvents.types(api, tenant, shopper.customerId()))
                .doesNotContain("customer.marketing_consent_requested");
    }

    @Test
    void merchantWhenSettingConsentThenSubscribedUnknownLevelAndAPendingLinkIsWithdrawn() {
        var tenant = shop(DOUBLE_OPT_IN);
        var pending = pending(tenant);
        var changed = api.patch("/v1/admin/customers/" + pending.shopper().customerId()).bearer(tenant.sk())
                .body(Map.of("accepts_marketing", true)).send().expect(200);
        assertConsent(changed.body(), true, "subscribed", "unknown");
        confirm(tenant, pending.token()).expect(400, "invalid_token");
        // the merchant's decision withdraws the link for good: a tick again within the interval does not bring it back
        var withdrawn = pending(tenant);
        api.patch("/v1/admin/customers/" + withdrawn.shopper().customerId()).bearer(tenant.sk())
                .body(Map.of("accepts_marketing", false)).send().expect(200);
        patchMe(withdrawn.shopper(), Map.of("accepts_marketing", true));
        confirm(tenant, withdrawn.token()).expect(400, "invalid_token");
        assertThat(queuedTo(withdrawn.shopper().email())).isEqualTo(1);

        var created = api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "accepts_marketing", true)).send().expect(201);
        assertConsent(created.body(), true, "subscribed", "unknown");
        var unsubscribed = api.patch("/v1/admin/customers/" + created.body().path("id").asText()).bearer(tenant.sk())
                .body(Map.of("accepts_marketing", false)).send().expect(200);
        assertConsent(unsubscribed.body(), false, "unsubscribed", "unknown");
        api.patch("/v1/admin/customers/" + created.body().path("id").asText()).bearer(tenant.sk())
                .body(Map.of("email_marketing_consent", Map.of("state", "subscribed"))).send()
                .expect(422, "validation_failed");
    }

    @Test
    void exportWhenPendingThenConsentAndTokenPurposeShownWithoutTheToken() {
        var tenant = shop(DOUBLE_OPT_IN);
        var pending = pending(tenant);
        JsonNode export = api.get("/v1/me/export").as(pending.shopper()).send().expect(200).body();
        assertThat(export.path("consents").path("email_marketing_consent").path("state").asText())
                .isEqualTo("pending");
        assertThat(export.path("email_tokens").findValuesAsText("purpose")).contains("marketing_confirmation");
        assertThat(export.toString()).doesNotContain(pending.token());
    }

    @Test
    void settingWhenReadThenOffByDefaultAndTypeChecked() {
        var tenant = shop(Map.of());
        assertThat(api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body()
                .path("marketing_double_opt_in").asBoolean()).isFalse();
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("marketing_double_opt_in", "yes")).send()
                .expect(422, "validation_failed");
    }
}
