package dev.latchkey.mail;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

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

    private static void awaitAttempts(TestServer server, String email, int attempts) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (((Number) Outboxes.newest(server, email).get("attempts")).intValue() < attempts) {
            assertThat(System.currentTimeMillis()).as("retries happen").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitStatus(TestServer server, String email, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
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
