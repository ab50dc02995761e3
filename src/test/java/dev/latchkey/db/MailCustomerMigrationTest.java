package dev.latchkey.db;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** V11 gives mail queued before it to the customer who has its address, so erasing that customer forgets it. */
class MailCustomerMigrationTest {
    private static final String MAIL = "INSERT INTO mail_outbox (tenant_id, id, recipient, template, language, subject, "
            + "text_body, html_body, status, next_attempt_at, created_at) VALUES ('ten_1', :id, :to, 'password_reset', "
            + "'en', 's', 't', 'h', 'sent', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";

    @Test
    void migrateWhenMailQueuedBeforeThenOwnedByTheCustomerWithItsAddress() {
        try (var old = new OldSchema("10")) {
            Jdbi jdbi = old.jdbi;
            jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                h.execute("INSERT INTO customers (tenant_id, id, email, email_verified, status, accepts_marketing, "
                        + "attributes, created_at, updated_at, version) VALUES ('ten_1', 'cus_1', 'ada@example.com', "
                        + "TRUE, 'active', FALSE, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)");
                h.createUpdate(MAIL).bind("id", "mail_owned").bind("to", "ada@example.com").execute();
                h.createUpdate(MAIL).bind("id", "mail_nobody").bind("to", "gone@example.com").execute();
            });

            old.upgrade();

            List<Map<String, Object>> mail = jdbi.withHandle(h -> h.createQuery(
                    "SELECT id, customer_id FROM mail_outbox ORDER BY id").mapToMap().list());
            assertThat(mail).extracting(row -> row.get("id"), row -> row.get("customer_id"))
                    .containsExactly(tuple("mail_nobody", null), tuple("mail_owned", "cus_1"));
        }
    }
}
