package dev.latchkey.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of tests that read real mail: one GreenMail and one dedicated server sending to it, per test class. Each test
 * still makes its own tenant and addresses, so tests of a class never read each other's mail. The calls of the
 * emailed flows (verification, recovery, credential changes) are here, for every class that reads their mail.
 */
public abstract class MailTest {
    /** The storefront's origin: {@link #shop} tenants allow it, so emailed links point to it. */
    protected static final String SHOP = "https://shop.example.com";
    protected static final String RESET_SUBJECT = "Reset your";

    protected static TestSmtp smtp;
    protected static TestServer server;
    protected static Api api;

    @BeforeAll
    static void startMail() {
        smtp = TestSmtp.start();
        server = TestServer.dedicated(smtp.env());
        api = server.api;
    }

    @AfterAll
    static void stopMail() {
        // Either may be missing when start-up was aborted (the PostgreSQL run without a database).
        if (server != null) {
            server.close();
            server = null;
        }
        if (smtp != null) {
            smtp.close();
            smtp = null;
        }
    }

    /** Mail to this address written to the outbox, sent or not: what a request queued, without waiting for SMTP. */
    protected static int queuedTo(String address) {
        return Outboxes.count(server, address);
    }

    /** A tenant that allows {@link #SHOP} as its only origin, with these settings on top. */
    protected static Fixtures.Tenant shop(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of("allowed_origins", List.of(SHOP)));
        all.putAll(settings);
        return Fixtures.tenant(api, all);
    }

    protected static Api.Res register(Fixtures.Tenant tenant, String email, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("email", email, "password", Fixtures.PASSWORD));
        body.putAll(extra);
        return api.post("/v1/customers").key(tenant.pk()).body(body).send();
    }

    /** Registers with a verification link and returns the token from the mail. */
    protected static String verificationToken(Fixtures.Tenant tenant, String email) {
        register(tenant, email, Map.of("verification_url", SHOP)).expect(201);
        return TestSmtp.token(smtp.awaitOne(email));
    }

    protected static Api.Res verify(Fixtures.Tenant tenant, Map<String, Object> body) {
        return api.post("/v1/auth/verify-email").key(tenant.pk()).body(body).send();
    }

    /** A shopper who registered and verified the address with the mailed token, then logged in. */
    protected static Fixtures.Shopper verifiedShopper(Fixtures.Tenant tenant) {
        String email = Fixtures.uniqueEmail();
        verify(tenant, Map.of("token", verificationToken(tenant, email))).expect(200);
        return Fixtures.login(api, tenant, email, Fixtures.PASSWORD);
    }

    protected static Api.Res login(Fixtures.Tenant tenant, String email, String password) {
        return api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", password)).send();
    }

    protected static Api.Res forgot(Fixtures.Tenant tenant, Map<String, Object> body) {
        return api.post("/v1/auth/password/forgot").key(tenant.pk()).body(body).send();
    }

    /** Asks for a reset mail and returns its token (other mail to the address, such as a lock notice, is passed over). */
    protected static String resetToken(Fixtures.Tenant tenant, String email) {
        forgot(tenant, Map.of("email", email)).expect(202);
        return TestSmtp.token(smtp.awaitOne(email, RESET_SUBJECT));
    }

    protected static Api.Res reset(Fixtures.Tenant tenant, String token, String password) {
        return api.post("/v1/auth/password/reset").key(tenant.pk())
                .body(Map.of("token", token, "new_password", password)).send();
    }

    protected static Api.Res changePassword(Fixtures.Shopper shopper, Map<String, Object> body) {
        return api.post("/v1/me/password").as(shopper).body(body).send();
    }

    protected static Api.Res changeEmail(Fixtures.Shopper shopper, Map<String, Object> body) {
        return api.post("/v1/me/email").as(shopper).body(body).send();
    }

    protected static Api.Res confirmEmail(Fixtures.Tenant tenant, String token) {
        return api.post("/v1/auth/email/confirm").key(tenant.pk()).body(Map.of("token", token)).send();
    }

    /** Moves the shopper to {@code newEmail}: the change, then its confirmation with the token mailed there. */
    protected static Api.Res moveTo(Fixtures.Shopper shopper, String newEmail) {
        changeEmail(shopper, Map.of("new_email", newEmail, "password", shopper.password())).expect(202);
        return confirmEmail(shopper.tenant(), TestSmtp.token(smtp.awaitOne(newEmail))).expect(200);
    }
}
