package dev.latchkey.mail;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SMTP down: requests still succeed, the outbox keeps the mail and retries until the server is back. */
class OutboxRetryTest {
    private static final String SHOP = "https://shop.example.com";

    @Test
    void sendWhenSmtpDownThenRequestSucceedsAndMailArrivesOnceSmtpIsUp() throws Exception {
        int port = TestSmtp.freePort();
        long workersBefore = outboxThreads();
        TestServer server = TestServer.dedicated(TestSmtp.env(port));
        TestSmtp smtp = null;
        try {
            assertThat(outboxThreads()).isEqualTo(workersBefore + 1);
            var api = server.api;
            var tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of(SHOP)));
            String email = Fixtures.uniqueEmail();
            api.post("/v1/customers").key(tenant.pk())
                    .body(Map.of("email", email, "password", Fixtures.PASSWORD, "verification_url", SHOP))
                    .send().expect(201);
            awaitAttempts(server, email, 3);
            Map<String, Object> pending = Outboxes.newest(server, email);
            assertThat(pending).containsEntry("status", "pending").containsEntry("has_secret", true);
            assertThat((String) pending.get("last_error")).contains("127.0.0.1:" + port).doesNotContain("et_");

            smtp = TestSmtp.start(port);
            MimeMessage mail = smtp.awaitOne(email);
            String token = TestSmtp.token(mail);
            awaitStatus(server, email, "sent");
            assertThat(Outboxes.newest(server, email)).containsEntry("has_secret", false);
            api.post("/v1/auth/verify-email").key(tenant.pk()).body(Map.of("token", token)).send().expect(200);
        } finally {
            server.close();
            if (smtp != null) {
                smtp.close();
            }
        }
        assertThat(outboxThreads()).as("the worker stops with the application").isEqualTo(workersBefore);
    }

    @Test
    void sendWhenSmtpDownPastTheLinksExpiryThenThatMailIsNeverSentButALaterOneIs() throws Exception {
        int port = TestSmtp.freePort();
        TestServer server = TestServer.dedicated(TestSmtp.env(port));
        TestSmtp smtp = null;
        try {
            var api = server.api;
            var tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of(SHOP), "email_interval", 0));
            var shopper = Fixtures.shopper(api, tenant);
            Runnable forgot = () -> api.post("/v1/auth/password/forgot").key(tenant.pk())
                    .body(Map.of("email", shopper.email(), "redirect_url", SHOP)).send().expect(202);
            forgot.run();
            awaitAttempts(server, shopper.email(), 1);

            server.clock.advance(Duration.ofMinutes(15)); // the reset link's lifetime
            smtp = TestSmtp.start(port);
            awaitStatus(server, shopper.email(), "failed");
            Map<String, Object> expired = Outboxes.newest(server, shopper.email());
            assertThat(expired).containsEntry("has_secret", false);
            assertThat((String) expired.get("last_error")).contains("link expired");

            forgot.run();
            String token = TestSmtp.token(smtp.awaitOne(shopper.email()));
            assertThat(smtp.to(shopper.email())).as("only the later mail went out").hasSize(1);
            api.post("/v1/auth/password/reset").key(tenant.pk())
                    .body(Map.of("token", token, "new_password", "a fresh long pass phrase")).send().expect(200);
        } finally {
            server.close();
            if (smtp != null) {
                smtp.close();
            }
        }
    }

    private static void awaitAttempts(TestServer server, String email, int attempts) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (((Number) Outboxes.newest(server, email).get("attempts")).intValue() < attempts) {
            assertThat(System.currentTimeMillis()).as("retries happen").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitStatus(TestServer server, String email, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!status.equals(Outboxes.newest(server, email).get("status"))) {
            assertThat(System.currentTimeMillis()).as("status %s", status).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static long outboxThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("latchkey-outbox") && t.isAlive()).count();
    }
}
