package dev.latchkey.credential;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.FakeOidcProvider;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.SoftAuthenticator;
import dev.latchkey.testing.TestSmtp;
import dev.latchkey.testing.TotpCodes;
import dev.latchkey.testing.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account whose address changes hands: the merchant moves it to an address nobody has proven, or marks its address
 * unproven and a first proof follows. The ways in set up before (passkey, linked provider account, two-step sign-in,
 * agent grant, password, sessions) are its previous holder's and must not reach the account the new owner uses.
 */
class AddressHandOverTest extends MailTest {
    private static final String RP_ID = "shop.example.com";
    private static final String REDIRECT = SHOP + "/oidc/callback";
    private static final String CODE_SUBJECT = "Your Test Shop login code";
    private static final Pattern CODE_LINE = Pattern.compile("(?m)^([0-9]{6})$");
    /** The events of the ways in that end when the address changes hands, each with the reason. */
    private static final List<String> ENDED = List.of("passkey.removed", "identity.unlinked", "mfa.reset",
            "agent.revoked");
    /** The previous holder's name on the account, which the notice to the new address's owner must not show. */
    private static final String PREVIOUS_NAME = "Mallory";
    private static final String NOTICE = "ways_in_removed_notice";
    private static final String NOTICE_SUBJECT = "Ways of signing in were removed from your Test Shop account";
    /** The kinds of ways in, as the notice's text lists each that went. */
    private static final Map<String, String> NOTICE_LINES = Map.of(
            "passkeys", "- passkeys\n",
            "mfa", "- two-step sign-in (the authenticator app and its recovery codes)\n",
            "linked", "- accounts of other providers linked for signing in\n",
            "agents", "- the access of AI shopping agents\n");
    private static final String[] EVERY_KIND = {"passkeys", "mfa", "linked", "agents"};

    /** Its tokens are issued by this class's own server's clock, which the second factor's codes move on. */
    private static FakeOidcProvider idp;

    @BeforeAll
    static void startProvider() {
        idp = FakeOidcProvider.start(server.clock);
    }

    @AfterAll
    static void stopProvider() {
        if (idp != null) {
            idp.close();
        }
    }

    /** A verified shopper with a passkey, a linked provider account, an agent grant and two-step sign-in on. */
    private record Armed(Fixtures.Shopper shopper, SoftAuthenticator passkey, String subject, Agents.Agent agent) {
        Fixtures.Tenant tenant() {
            return shopper.tenant();
        }

        String id() {
            return shopper.customerId();
        }
    }

    /** A shop with passkeys, login codes and a provider on the fake OpenID provider. */
    private static Fixtures.Tenant tenant() {
        return tenant(Map.of());
    }

    /** As {@link #tenant()}, with these settings on top. */
    private static Fixtures.Tenant tenant(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of("webauthn_rp_id", RP_ID, "email_interval", 0));
        all.putAll(settings);
        var tenant = shop(all);
        api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", "acme",
                "display_name", "Acme ID", "issuer", idp.issuer(), "client_id", "client-" + tenant.id(),
                "client_secret", "the-shops-client-secret-" + UUID.randomUUID())).send().expect(201);
        return tenant;
    }

    private static Armed armed(Fixtures.Tenant tenant) {
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", PREVIOUS_NAME));
        var authenticator = SoftAuthenticator.create();
        JsonNode options = api.post("/v1/me/passkeys/options").as(shopper).send().expect(200).body()
                .path("public_key");
        api.post("/v1/me/passkeys").as(shopper).body(Map.of("name", "Phone",
                "credential", authenticator.register(options, SoftAuthenticator.from(SHOP)))).send().expect(201);
        String subject = "sub-" + UUID.randomUUID();
        providerLogin(tenant, shopper, subject, shopper.email()).expect(200);
        var agent = Agents.grant(api, shopper, "profile:read");
        twoStepOn(shopper);
        return new Armed(shopper, authenticator, subject, agent);
    }

    private static void twoStepOn(Fixtures.Shopper shopper) {
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        api.post("/v1/me/mfa/totp/confirm").as(shopper)
                .body(Map.of("code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);
    }

    /**
     * The one notice to {@code email}, the address just proven, of what its first proof removed: each of {@code kinds}
     * listed and no other, the owner greeted by no name (the one on the account is the previous holder's).
     */
    private static void toldOfRemoval(String email, String... kinds) {
        MimeMessage notice = smtp.awaitOne(email, NOTICE_SUBJECT);
        String text = TestSmtp.text(notice);
        assertThat(text).startsWith("Hello,").contains("you just confirmed that " + email + " is yours")
                .contains("You can set them up again in your account.").doesNotContain(PREVIOUS_NAME);
        NOTICE_LINES.forEach((kind, line) -> {
            if (Arrays.asList(kinds).contains(kind)) {
                assertThat(text).as(kind).contains(line);
            } else {
                assertThat(text).as(kind).doesNotContain(line);
            }
        });
        String html = TestSmtp.html(notice);
        assertThat(html.split("<li>", -1)).hasSize(kinds.length + 1);
        assertThat(html).doesNotContain(PREVIOUS_NAME);
        assertThat(Outboxes.count(server, email, NOTICE)).isEqualTo(1);
    }

    /** The merchant marks the shopper's address unverified: its next proof is its first. */
    private static void unproven(Fixtures.Shopper shopper) {
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(shopper.tenant().sk())
                .body(Map.of("email_verified", false)).send().expect(200);
    }

    private static Api.Res lockout(Fixtures.Tenant tenant, String customerId) {
        return api.get("/v1/admin/customers/" + customerId + "/lockout").bearer(tenant.sk()).send().expect(200);
    }

    /** A login with the provider account {@code subject}, or its link to {@code linking}'s account. */
    private static Api.Res providerLogin(Fixtures.Tenant tenant, Fixtures.Shopper linking, String subject,
                                         String email) {
        Map<String, Object> body = new HashMap<>(Map.of("redirect_uri", REDIRECT));
        if (linking != null) {
            body.put("link", true);
        }
        var started = call(api.post("/v1/auth/oidc/acme/start"), tenant, linking).body(body).send().expect(200);
        Map<String, String> query = FakeOidcProvider.query(started.str("authorization_url"));
        String code = idp.authorize(query, idp.signRs256(idp.claims(query, subject, email, true)));
        return call(api.post("/v1/auth/oidc/acme/callback"), tenant, linking).body(Map.of("state",
                started.str("state"), "binding", started.str("binding"), "code", code)).send();
    }

    private static Api.Call call(Api.Call call, Fixtures.Tenant tenant, Fixtures.Shopper caller) {
        return caller == null ? call.key(tenant.pk()) : call.as(caller);
    }

    private static Api.Res passkeyLogin(Fixtures.Tenant tenant, SoftAuthenticator authenticator) {
        JsonNode options = api.post("/v1/auth/login/passkey/options").key(tenant.pk()).body(Map.of()).send()
                .expect(200).body();
        return api.post("/v1/auth/login/passkey").key(tenant.pk()).body(Map.of("challenge_id",
                options.path("challenge_id").asText(), "credential",
                authenticator.assertion(options.path("public_key"), SoftAuthenticator.from(SHOP)))).send();
    }

    /** Asks for a login code to {@code email} and enters it: the {@code nth} code mail the address gets. */
    private static Api.Res codeLogin(Fixtures.Tenant tenant, String email, int nth) {
        api.post("/v1/auth/login/code").key(tenant.pk()).body(Map.of("email", email)).send().expect(202);
        Await.until(() -> codeMails(email).size() >= nth, 10_000, nth + " code mails to " + email);
        Matcher code = CODE_LINE.matcher(TestSmtp.text(codeMails(email).get(nth - 1)));
        assertThat(code.find()).isTrue();
        return api.post("/v1/auth/login/code/verify").key(tenant.pk())
                .body(Map.of("email", email, "code", code.group(1))).send();
    }

    private static List<MimeMessage> codeMails(String email) {
        return smtp.to(email).stream().filter(m -> TestSmtp.subject(m).equals(CODE_SUBJECT)).toList();
    }

    private static Api.Res moveTo(Armed armed, Map<String, Object> changes) {
        return api.patch("/v1/admin/customers/" + armed.id()).bearer(armed.tenant().sk()).body(changes).send()
                .expect(200);
    }

    private static Api.Res agentCall(Armed armed) {
        return api.get("/v1/auth/token").as(armed.agent()).send();
    }

    private static Api.Res ownSession(Armed armed) {
        return api.get("/v1/me").as(armed.shopper()).send();
    }

    /** The passkey, the provider account and the agent no longer reach the account; two-step sign-in is off. */
    private static void earlierWaysInEnded(Armed armed) {
        passkeyLogin(armed.tenant(), armed.passkey()).expect(401, "invalid_credentials");
        agentCall(armed).expect(401, "invalid_token");
        // the provider account is nobody's now: its login opens an account of its own for the provider's address
        var provider = providerLogin(armed.tenant(), null, armed.subject(), Fixtures.uniqueEmail()).expect(201);
        assertThat(provider.body().path("customer").path("id").asText()).isNotEqualTo(armed.id());
        assertThat(api.get("/v1/admin/customers/" + armed.id()).bearer(armed.tenant().sk()).send().expect(200)
                .body().path("mfa_enabled").asBoolean()).isFalse();
    }

    /** Every way in still reaches the account, two-step sign-in first among them; none was recorded as ended. */
    private static void everyWayInStays(Armed armed, String email) {
        passkeyLogin(armed.tenant(), armed.passkey()).expect(200);
        agentCall(armed).expect(200);
        ownSession(armed).expect(200);
        var provider = providerLogin(armed.tenant(), null, armed.subject(), Fixtures.uniqueEmail()).expect(200);
        assertThat(provider.str("next_step")).isEqualTo("mfa");
        assertThat(login(armed.tenant(), email, armed.shopper().password()).expect(200).str("next_step"))
                .isEqualTo("mfa");
        for (String type : ENDED) {
            assertThat(AuditEvents.of(api, armed.tenant(), armed.id(), type)).as(type).isEmpty();
        }
    }

    private static void recordedWith(Armed armed, List<String> types, String reason) {
        for (String type : types) {
            assertThat(AuditEvents.only(api, armed.tenant(), armed.id(), type).path("data").path("reason").asText())
                    .as(type).isEqualTo(reason);
        }
    }

    @Test
    void merchantMovesAccountThenEverythingStaysUntilTheNewAddressesOwnerProvesItByCode() {
        var armed = armed(tenant());
        String newOwner = Fixtures.uniqueEmail();

        JsonNode moved = moveTo(armed, Map.of("email", newOwner)).body();

        // the move alone ends nothing: most moves fix a typo for the same shopper
        assertThat(moved.path("email_verified").asBoolean()).isFalse();
        assertThat(moved.path("mfa_enabled").asBoolean()).isTrue();
        everyWayInStays(armed, newOwner);

        List<String> heard = new ArrayList<>(ENDED);
        heard.add("password.removed");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            api.post("/v1/admin/webhooks").bearer(armed.tenant().sk())
                    .body(Map.of("url", receiver.url(), "events", heard)).send().expect(201);

            // the new address's owner proves it with a code: a session at once, nobody's second factor in the way
            var owner = codeLogin(armed.tenant(), newOwner, 1).expect(200);

            assertThat(owner.body().has("next_step")).isFalse();
            assertThat(owner.body().path("customer").path("id").asText()).isEqualTo(armed.id());
            assertThat(owner.body().path("customer").path("email_verified").asBoolean()).isTrue();
            for (String type : heard) {
                JsonNode event = receiver.awaitOne(type).json();
                assertThat(event.path("customer_id").asText()).isEqualTo(armed.id());
                assertThat(event.path("data").path("reason").asText()).as(type).isEqualTo("address_proven_by_code");
            }
        }
        toldOfRemoval(newOwner, EVERY_KIND);
        earlierWaysInEnded(armed);
        ownSession(armed).expect(401, "invalid_token");
        login(armed.tenant(), newOwner, armed.shopper().password()).expect(401, "invalid_credentials");
        recordedWith(armed, ENDED, "address_proven_by_code");
        recordedWith(armed, List.of("password.removed"), "address_proven_by_code");
        JsonNode passkey = AuditEvents.only(api, armed.tenant(), armed.id(), "passkey.removed").path("data");
        assertThat(passkey.path("passkey_id").asText()).startsWith("passkey_");
        assertThat(AuditEvents.only(api, armed.tenant(), armed.id(), "agent.revoked").path("data")
                .path("agent_id").asText()).isEqualTo(armed.agent().id());

        // a move the merchant vouches for (the shopper confirmed the new address is theirs) is proven already
        var vouched = armed(armed.tenant());
        String next = Fixtures.uniqueEmail();
        moveTo(vouched, Map.of("email", next, "email_verified", true));
        assertThat(codeLogin(vouched.tenant(), next, 1).expect(200).str("next_step")).isEqualTo("mfa");
        everyWayInStays(vouched, next);
        assertThat(Outboxes.count(server, next, NOTICE)).isZero();
    }

    @Test
    void firstProofByCodeOfAnAddressMarkedUnprovenThenEarlierWaysInEndBeforeAnySecondFactor() {
        var armed = armed(tenant());
        moveTo(armed, Map.of("email_verified", false));
        agentCall(armed).expect(200);

        var owner = codeLogin(armed.tenant(), armed.shopper().email(), 1).expect(200);

        assertThat(owner.body().has("next_step")).as("the previous holder's second factor is gone").isFalse();
        assertThat(owner.str("access_token")).startsWith("cust_");
        toldOfRemoval(armed.shopper().email(), EVERY_KIND);
        earlierWaysInEnded(armed);
        ownSession(armed).expect(401, "invalid_token");
        login(armed.tenant(), armed.shopper().email(), armed.shopper().password())
                .expect(401, "invalid_credentials");
        recordedWith(armed, ENDED, "address_proven_by_code");
        recordedWith(armed, List.of("password.removed"), "address_proven_by_code");

        // a code to an address verified all along is only the first factor, and leaves every way in as it was
        var verified = armed(armed.tenant());
        var challenge = codeLogin(verified.tenant(), verified.shopper().email(), 1).expect(200);
        assertThat(challenge.str("next_step")).isEqualTo("mfa");
        everyWayInStays(verified, verified.shopper().email());
        assertThat(Outboxes.count(server, verified.shopper().email(), NOTICE)).isZero();
    }

    @Test
    void firstProofByVerificationLinkThenEarlierWaysInEndAndThePasswordStays() {
        var armed = armed(tenant());
        moveTo(armed, Map.of("email_verified", false));
        api.post("/v1/admin/customers/" + armed.id() + "/verification").bearer(armed.tenant().sk())
                .body(Map.of("verification_url", SHOP)).send().expect(202);
        String token = TestSmtp.token(smtp.awaitOne(armed.shopper().email(), "Confirm your email"));

        verify(armed.tenant(), Map.of("token", token)).expect(200);

        toldOfRemoval(armed.shopper().email(), EVERY_KIND);
        earlierWaysInEnded(armed);
        recordedWith(armed, ENDED, "address_proven_by_link");
        // the link completes a sign-up as its registrant expects: their password and session stay
        assertThat(login(armed.tenant(), armed.shopper().email(), armed.shopper().password()).expect(200)
                .body().has("next_step")).isFalse();
        ownSession(armed).expect(200);
        assertThat(AuditEvents.of(api, armed.tenant(), armed.id(), "password.removed")).isEmpty();
    }

    @Test
    void firstProofByPasswordResetThenEarlierWaysInEnd() {
        var armed = armed(tenant());
        moveTo(armed, Map.of("email_verified", false));

        var reset = reset(armed.tenant(), resetToken(armed.tenant(), armed.shopper().email()),
                "a passphrase of the owner").expect(200);

        assertThat(reset.body().has("next_step")).as("the previous holder's second factor is gone").isFalse();
        toldOfRemoval(armed.shopper().email(), EVERY_KIND);
        earlierWaysInEnded(armed);
        recordedWith(armed, ENDED, "address_proven_by_password_reset");
    }

    @Test
    void firstProofWhenSomeWaysInWereHeldThenTheNoticeListsOnlyThoseInTheCustomersLanguage() {
        var tenant = tenant();
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("preferred_language", "de-AT"));
        Agents.grant(api, shopper, "profile:read");
        unproven(shopper);
        api.post("/v1/admin/customers/" + shopper.customerId() + "/verification").bearer(tenant.sk())
                .body(Map.of("verification_url", SHOP)).send().expect(202);

        verify(tenant, Map.of("token", TestSmtp.token(smtp.awaitOne(shopper.email(), "Bestätigen")))).expect(200);

        MimeMessage notice = smtp.awaitOne(shopper.email(), "Anmeldewege wurden aus Ihrem Konto bei Test Shop");
        String text = TestSmtp.text(notice);
        assertThat(text).contains("- der Zugriff von KI-Einkaufsassistenten\n").doesNotContain("Passkeys")
                .doesNotContain("zwei Schritten").doesNotContain("Anbieter");
        assertThat(TestSmtp.html(notice)).contains("<li>der Zugriff von KI-Einkaufsassistenten</li>")
                .doesNotContain("<li>Passkeys</li>");
    }

    @Test
    void firstProofWhenTheShopWroteItsOwnNoticeThenThatIsMailed() {
        var tenant = tenant();
        api.put("/v1/admin/mail-templates/" + NOTICE + "/en").bearer(tenant.sk()).body(Map.of(
                "subject", "{{shop_name}}: sign-in methods reset",
                "text", "Removed for {{email}}:{{#agents_removed}} agents{{/agents_removed}}"
                        + "{{#mfa_removed}} two-step{{/mfa_removed}}{{#passkeys_removed}} passkeys{{/passkeys_removed}}"
                        + "{{#linked_accounts_removed}} linked{{/linked_accounts_removed}}.",
                "html", "<p>Removed{{#agents_removed}}: agents{{/agents_removed}}</p>")).send().expect(200);
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        Agents.grant(api, shopper, "profile:read");
        twoStepOn(shopper);
        unproven(shopper);

        codeLogin(tenant, shopper.email(), 1).expect(200);

        MimeMessage notice = smtp.awaitOne(shopper.email(), "Test Shop: sign-in methods reset");
        assertThat(TestSmtp.text(notice)).contains("Removed for " + shopper.email() + ": agents two-step.");
        assertThat(TestSmtp.html(notice)).contains("<p>Removed: agents</p>");
    }

    @Test
    void firstProofWhenNoWayInWasHeldThenNoNotice() {
        var tenant = tenant();
        List<Fixtures.Shopper> shoppers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
            unproven(shopper);
            shoppers.add(shopper);
        }

        // each proof in the transaction that would queue the notice: none is written by the time it answers
        codeLogin(tenant, shoppers.get(0).email(), 1).expect(200);
        api.post("/v1/admin/customers/" + shoppers.get(1).customerId() + "/verification").bearer(tenant.sk())
                .body(Map.of("verification_url", SHOP)).send().expect(202);
        verify(tenant, Map.of("token", TestSmtp.token(smtp.awaitOne(shoppers.get(1).email(), "Confirm your email"))))
                .expect(200);
        reset(tenant, resetToken(tenant, shoppers.get(2).email()), "a passphrase of the owner").expect(200);

        for (var shopper : shoppers) {
            assertThat(api.get("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk()).send().expect(200)
                    .body().path("email_verified").asBoolean()).isTrue();
            assertThat(Outboxes.count(server, shopper.email(), NOTICE)).as(shopper.email()).isZero();
        }
    }

    @Test
    void firstProofByCodeThenThePreviousHoldersWrongSecondFactorsAndLocksNoLongerCount() {
        var tenant = tenant(Map.of("lockout_threshold", 3, "lockout_duration", 60));
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        twoStepOn(shopper);
        String newOwner = Fixtures.uniqueEmail();
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email", newOwner)).send().expect(200);
        // whoever held the account still has its password and guesses its second factor: a lock, then two more
        for (int wrong : new int[] {3, 2}) {
            String mfaToken = login(tenant, newOwner, shopper.password()).expect(200).str("mfa_token");
            for (int i = 0; i < wrong; i++) {
                api.post("/v1/auth/mfa").key(tenant.pk()).body(Map.of("mfa_token", mfaToken, "code", "99999" + i))
                        .send().expect(401, "invalid_credentials");
            }
            server.clock.advance(Duration.ofSeconds(61));
        }
        JsonNode before = lockout(tenant, shopper.customerId()).body();
        assertThat(before.path("failed_attempts").asInt()).isEqualTo(2);
        assertThat(before.path("lock_count").asInt()).isEqualTo(1);

        var owner = codeLogin(tenant, newOwner, 1).expect(200);

        // the owner of the address starts afresh: their first slip is one failure of three, and a lock would be short
        assertThat(owner.body().has("next_step")).isFalse();
        JsonNode after = lockout(tenant, shopper.customerId()).body();
        assertThat(after.path("locked").asBoolean()).isFalse();
        assertThat(after.path("failed_attempts").asInt()).isZero();
        assertThat(after.path("lock_count").asInt()).isZero();
        JsonNode unlocked = AuditEvents.only(api, tenant, shopper.customerId(), "account.unlocked").path("data");
        assertThat(unlocked.path("by").asText()).isEqualTo("address_proven_by_code");
        assertThat(unlocked.path("was_locked").asBoolean()).isFalse();
        toldOfRemoval(newOwner, "mfa");
    }
}
