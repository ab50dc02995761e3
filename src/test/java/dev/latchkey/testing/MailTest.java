package dev.latchkey.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of tests that read real mail: one GreenMail and one dedicated server sending to it, per test class. Each test
 * still makes its own tenant and addresses, so tests of a class never read each other's mail.
 */
public abstract class MailTest {
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
}
