package dev.latchkey.testing;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that refuses a row it should take, as an unexpected failure would: the outbox of a test server takes
 * one mail per address, so the next mail to an address that got one (the verification mail of a registration) breaks
 * a unique index, and H2 describes that failure with the values of the refused row.
 */
public final class RefusingOutbox {
    private RefusingOutbox() {
    }

    public static void install(TestServer server) {
        server.app.database().run(h -> h.execute(
                "CREATE UNIQUE INDEX test_one_mail_per_address ON mail_outbox (tenant_id, recipient)"));
    }

    /** Nothing logged names the address, and the request's failure is logged with its statement and SQLState. */
    public static void assertLoggedWithoutValues(LogCapture log, String requestId, String email) {
        List<String> lines = log.lines();
        String localPart = email.substring(0, email.indexOf('@'));
        assertThat(lines).noneSatisfy(line -> assertThat(line).containsIgnoringCase(localPart));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains(requestId).contains("SQLState 23505")
                .contains("INSERT INTO mail_outbox"));
    }
}
