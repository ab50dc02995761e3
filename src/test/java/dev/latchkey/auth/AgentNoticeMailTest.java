package dev.latchkey.auth;

import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A grant mails the customer a notice, so that one nobody asked for shows itself in their inbox. */
class AgentNoticeMailTest extends MailTest {
    private static final String SUBJECT = "An assistant can now act";

    @Test
    void grantWhenTheAddressIsVerifiedThenTheNoticeNamesTheAgentWhatItMayDoAndUntilWhen() throws Exception {
        var tenant = shop(Map.of());
        var customer = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", "Ada"));

        var agent = Agents.grant(api, customer, Map.of("name", "Weekly groceries",
                "scope", List.of("cart:write", "orders:read"), "expires_in", 7200));

        String text = TestSmtp.text(smtp.awaitOne(customer.email(), SUBJECT));
        assertThat(text).contains("Hello Ada").contains("\"Weekly groceries\"").contains("cart:write, orders:read")
                .contains(agent.grant().path("expires_at").asText()).doesNotContain(agent.accessToken());
    }

    /** Whoever registers a stranger's address may name the agent anything: the unproven address gets no name. */
    @Test
    void grantWhenTheAddressIsUnverifiedThenTheNoticeLeavesTheAgentsNameOut() throws Exception {
        var tenant = shop(Map.of());
        var customer = Fixtures.shopper(api, tenant);

        Agents.grant(api, customer, Map.of("name", "URGENT call +1 555 0100", "scope", List.of("cart:read")));

        String text = TestSmtp.text(smtp.awaitOne(customer.email(), SUBJECT));
        assertThat(text).contains("cart:read").doesNotContain("URGENT");
    }

    @Test
    void grantWhenThePasswordIsWrongThenNoNotice() {
        var tenant = shop(Map.of());
        var customer = Fixtures.verifiedShopper(api, tenant, Map.of());

        api.post("/v1/me/agents").as(customer).body(Map.of("password", "not it", "name", "Refused",
                "scope", List.of("cart:read"))).send().expect(403, "invalid_credentials");
        Agents.grant(api, customer, Map.of("name", "Granted", "scope", List.of("cart:read")));

        // the refused grant's notice, had there been one, was queued before this one's
        assertThat(TestSmtp.text(smtp.awaitOne(customer.email(), SUBJECT))).contains("Granted");
    }
}
