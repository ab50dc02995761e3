package dev.latchkey.mail;

import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A suspended tenant's mail is held: queued before the suspension (by an attacker with a leaked key, say) or during it,
 * it is neither sent nor given up, and it does not keep other tenants' mail waiting. It goes out once the tenant is
 * active again, but for mail whose link expired meanwhile.
 */
class OutboxSuspensionTest {
    private static final String SHOP = "https://shop.example.com";
    /** More than the worker reads at once, so held mail would fill every read if it stayed among the due mail. */
    private static final int MORE_THAN_A_BATCH = 25;
    private static final long WAIT_MS = 15_000;

    private int port;
    private TestServer server;
    private TestSmtp smtp;

    @BeforeEach
    void startWithSmtpDown() {
        port = TestSmtp.freePort();
        server = TestServer.dedicated(TestSmtp.env(port));
    }

    @AfterEach
    void stop() {
        server.close();
        if (smtp != null) {
            smtp.close();
        }
    }

    private Fixtures.Tenant shop() {
        return Fixtures.tenant(server.api, Map.of("allowed_origins", List.of(SHOP), "email_interval", 0));
    }

    /** The merchant creates a customer without a password: an invitation with a token goes to them. */
    private String invite(Fixtures.Tenant tenant, String secretKey) {
        String email = Fixtures.uniqueEmail();
        server.api.post("/v1/admin/customers").bearer(secretKey).body(Map.of("email", email)).send().expect(201);
        return email;
    }

    private void awaitStatuses(Fixtures.Tenant tenant, Map<String, Integer> statuses) {
        Await.until(() -> Outboxes.statuses(server, tenant.id()).equals(statuses), WAIT_MS,
                "the outbox of " + tenant.id() + " is " + statuses);
    }

    private void awaitTried(String email) {
        Await.until(() -> ((Number) Outboxes.newest(server, email).get("attempts")).intValue() >= 1, WAIT_MS,
                "a send to " + email + " was tried");
    }

    @Test
    void sendWhenTenantSuspendedThenItsMailIsHeldOthersGoOutAndItsGoesOutOnReactivation() {
        var api = server.api;
        var suspended = shop();
        var other = shop();
        List<String> invited = new ArrayList<>();
        for (int i = 0; i < MORE_THAN_A_BATCH; i++) {
            invited.add(invite(suspended, suspended.sk()));
        }
        awaitTried(invited.getLast());

        Fixtures.status(api, suspended.id(), "suspended");
        awaitStatuses(suspended, Map.of("held", MORE_THAN_A_BATCH));
        // the merchant, with the key the operator issued for the suspension, queues mail too: held as well
        String rescueKey = api.post("/v1/platform/tenants/" + suspended.id() + "/secret-keys")
                .bearer(TestServer.PLATFORM_TOKEN).send().expect(201).str("secret_key");
        invited.add(invite(suspended, rescueKey));
        awaitStatuses(suspended, Map.of("held", MORE_THAN_A_BATCH + 1));
        String othersMail = invite(other, other.sk());

        smtp = TestSmtp.start(port);
        smtp.awaitOne(othersMail);

        assertThat(Outboxes.statuses(server, suspended.id())).isEqualTo(Map.of("held", MORE_THAN_A_BATCH + 1));
        assertThat(invited).allSatisfy(email -> assertThat(smtp.to(email)).as("mail to %s", email).isEmpty());

        Fixtures.status(api, suspended.id(), "active");
        awaitStatuses(suspended, Map.of("sent", MORE_THAN_A_BATCH + 1));
        String token = TestSmtp.token(smtp.awaitOne(invited.getFirst()));
        api.post("/v1/auth/password/reset").key(suspended.pk())
                .body(Map.of("token", token, "new_password", "a fresh long pass phrase")).send().expect(200);
        assertThat(invited).allSatisfy(email -> assertThat(smtp.to(email)).as("mail to %s", email).hasSize(1));
    }

    @Test
    void sendWhenLinkExpiresWhileTenantSuspendedThenThatMailIsGivenUpAndTheRestGoesOut() {
        var api = server.api;
        var tenant = shop();
        var shopper = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/password/forgot").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "redirect_url", SHOP)).send().expect(202);
        String invited = invite(tenant, tenant.sk());
        awaitTried(shopper.email());
        awaitTried(invited);

        Fixtures.status(api, tenant.id(), "suspended");
        awaitStatuses(tenant, Map.of("held", 2));
        server.clock.advance(Duration.ofMinutes(15)); // the reset link's lifetime; the invitation's is a day
        smtp = TestSmtp.start(port);
        Fixtures.status(api, tenant.id(), "active");

        awaitStatuses(tenant, Map.of("sent", 1, "failed", 1));
        smtp.awaitOne(invited);
        Map<String, Object> expired = Outboxes.newest(server, shopper.email());
        assertThat(expired).containsEntry("has_secret", false);
        assertThat((String) expired.get("last_error")).contains("link expired");
        assertThat(smtp.to(shopper.email())).isEmpty();
    }
}
