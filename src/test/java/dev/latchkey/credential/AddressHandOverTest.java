package dev.latchkey.credential;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.FakeOidcProvider;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.SoftAuthenticator;
import dev.latchkey.testing.TestSmtp;
import dev.latchkey.testing.TotpCodes;
import dev.latchkey.testing.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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
        var tenant = shop(Map.of("webauthn_rp_id", RP_ID, "email_interval", 0));
        api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", "acme",
                "display_name", "Acme ID", "issuer", idp.issuer(), "client_id", "client-" + tenant.id(),
                "client_secret", "the-shops-client-secret-" + UUID.randomUUID())).send().expect(201);
        return tenant;
    }

    private static Armed armed(Fixtures.Tenant tenant) {
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        var authenticator = SoftAuthenticator.create();
        JsonNode options = api.post("/v1/me/passkeys/options").as(shopper).send().expect(200).body()
                .path("public_key");
        api.post("/v1/me/passkeys").as(shopper).body(Map.of("name", "Phone",
                "credential", authenticator.register(options, SoftAuthenticator.from(SHOP)))).send().expect(201);
        String subject = "sub-" + UUID.randomUUID();
        providerLogin(tenant, shopper, subject, shopper.email()).expect(200);
        var agent = Agents.grant(api, shopper, "profile:read");
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        api.post("/v1/me/mfa/totp/confirm").as(shopper)
                .body(Map.of("code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);
        return new Armed(shopper, authenticator, subject, agent);
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
    }

    @Test
    void firstProofByCodeOfAnAddressMarkedUnprovenThenEarlierWaysInEndBeforeAnySecondFactor() {
        var armed = armed(tenant());
        moveTo(armed, Map.of("email_verified", false));
        agentCall(armed).expect(200);

        var owner = codeLogin(armed.tenant(), armed.shopper().email(), 1).expect(200);

        assertThat(owner.body().has("next_step")).as("the previous holder's second factor is gone").isFalse();
        assertThat(owner.str("access_token")).startsWith("cust_");
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
    }

    @Test
    void firstProofByVerificationLinkThenEarlierWaysInEndAndThePasswordStays() {
        var armed = armed(tenant());
        moveTo(armed, Map.of("email_verified", false));
        api.post("/v1/admin/customers/" + armed.id() + "/verification").bearer(armed.tenant().sk())
                .body(Map.of("verification_url", SHOP)).send().expect(202);
        String token = TestSmtp.token(smtp.awaitOne(armed.shopper().email(), "Confirm your email"));

        verify(armed.tenant(), Map.of("token", token)).expect(200);

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
        earlierWaysInEnded(armed);
        recordedWith(armed, ENDED, "address_proven_by_password_reset");
    }
}
