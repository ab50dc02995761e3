package dev.latchkey.mail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No SMTP: the log names each mail as not sent, without its address or text (personal data, and the token), and the
 * dev mailbox (when switched on) shows it with its token.
 */
class DevMailboxTest {
    private static final String SHOP = "https://shop.example.com";
    private static TestServer server;
    private static Api api;
    private static ListAppender<ILoggingEvent> mailLog;

    @BeforeAll
    static void start() {
        Logger logger = (Logger) LoggerFactory.getLogger("latchkey.mail");
        logger.setLevel(Level.INFO);
        mailLog = new ListAppender<>();
        mailLog.start();
        logger.addAppender(mailLog);
        server = TestServer.dedicated(Map.of("LATCHKEY_DEV_MAILBOX", "true", "LATCHKEY_MAIL_POLL_MS", "50"));
        api = server.api;
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("latchkey.mail")).detachAppender(mailLog);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendWhenNoSmtpThenLogNamesTheMailWithoutAddressOrTextAndDevMailboxShowsLink() throws Exception {
        var tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of(SHOP)));
        String email = Fixtures.uniqueEmail();
        api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", email, "password", Fixtures.PASSWORD, "verification_url", SHOP + "/verify"))
                .send().expect(201);
        JsonNode mail = awaitMailbox(email);
        String token = mail.path("token").asText();
        assertThat(token).startsWith("et_");
        assertThat(mail.path("links").get(0).asText()).isEqualTo(SHOP + "/verify?token=" + token);
        assertThat(mail.path("text").asText()).contains(SHOP + "/verify?token=" + token);
        assertThat(mail.path("template").asText()).isEqualTo("verify_email");

        List<String> lines = mailLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).filteredOn(line -> line.contains(mail.path("id").asText())).singleElement().asString()
                .contains("verify_email", "tenant " + tenant.id(), "not sent: no SMTP configured");
        assertThat(lines).noneMatch(line -> line.contains(email) || line.contains(SHOP) || line.contains("et_"));
        assertThat(Outboxes.newestSettled(server, email)).containsEntry("status", "sent")
                .containsEntry("has_secret", false);

        api.post("/v1/auth/verify-email").key(tenant.pk()).body(Map.of("token", token)).send().expect(200);
    }

    @Test
    void mailboxWhenFilteredByAddressThenOnlyThatAddress() throws Exception {
        var tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of(SHOP)));
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", first.email())).send().expect(202);
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", second.email())).send().expect(202);
        awaitMailbox(first.email());
        awaitMailbox(second.email());
        JsonNode only = api.get("/dev/mailbox?to=" + first.email()).send().expect(200).body().path("data");
        assertThat(only).hasSize(1);
        assertThat(only.get(0).path("to").asText()).isEqualTo(first.email());
    }

    @Test
    void mailboxWhenNotSwitchedOnThenNotFound() {
        TestServer.shared().api.get("/dev/mailbox").send().expect(404, "not_found");
    }

    private static JsonNode awaitMailbox(String email) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode data = api.get("/dev/mailbox?to=" + email).send().expect(200).body().path("data");
            if (!data.isEmpty()) {
                return data.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no mail to " + email + " in the dev mailbox");
    }
}
