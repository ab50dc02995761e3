package dev.latchkey.db;

import java.util.ArrayList;
import java.util.List;

/**
 * On H2, doubles the length of the columns that hold text people type: the service bounds such text in characters
 * (Unicode code points), as the API document's {@code maxLength} does, and H2's {@code VARCHAR(n)} counts UTF-16 units,
 * two for each character outside the Basic Multilingual Plane (an emoji, a rare CJK character). A name of 100 emoji
 * is within its limit of 100 and needs 200 units. PostgreSQL's {@code varchar(n)} counts characters, as the service
 * does, so its columns stay as they are: a second guard that says what the contract says.
 * <p>
 * Text that is checked to be ASCII before it is stored (ids, emails, postal codes, language tags, phone numbers,
 * SKUs, order numbers, scopes, base64) needs no more room, nor do the columns bounded in UTF-16 units by the code that
 * writes them (the audit and webhook data, the outbox's bodies). On both engines, the column of an identity provider's
 * encrypted client secret grows to hold the longest secret the service takes.
 */
final class V57__TextColumnsInCharacters extends PerEngine {
    /** Table, column and its size on PostgreSQL: the most characters the service lets into it, or a few more. */
    private record Column(String table, String name, int characters) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("tenants", "name", 200),
            new Column("api_keys", "name", 100),
            new Column("customers", "first_name", 100),
            new Column("customers", "last_name", 100),
            new Column("customers", "title", 50),
            new Column("customers", "company", 200),
            new Column("customers", "preferred_site", 64),
            new Column("customers", "note", 5000),
            new Column("customer_tags", "tag", 255),
            new Column("addresses", "first_name", 100),
            new Column("addresses", "last_name", 100),
            new Column("addresses", "company", 200),
            new Column("addresses", "line1", 200),
            new Column("addresses", "line2", 200),
            new Column("addresses", "city", 100),
            new Column("addresses", "region", 100),
            new Column("sessions", "agent_name", 100),
            new Column("passkeys", "name", 100),
            new Column("webhooks", "description", 255),
            new Column("webhooks", "url", 2048),
            new Column("identity_providers", "display_name", 100),
            new Column("identity_providers", "issuer", 2048),
            new Column("identity_providers", "client_id", 255),
            new Column("oidc_states", "redirect_uri", 2048),
            new Column("order_lines", "name", 200),
            new Column("mail_templates", "subject", 500),
            new Column("mail_templates", "text_body", 20_000),
            new Column("mail_templates", "html_body", 100_000),
            new Column("mail_outbox", "subject", 1000));

    /**
     * An identity provider's client secret, of up to 1,000 printable ASCII characters, is stored encrypted: its nonce,
     * ciphertext and tag in base64url after a version, 1,374 characters, which 1,200 did not hold.
     */
    private static final String CLIENT_SECRET = "ALTER TABLE identity_providers ALTER COLUMN client_secret "
            + "SET DATA TYPE VARCHAR(1400)";

    @Override
    List<String> statements(boolean postgres) {
        List<String> statements = new ArrayList<>(List.of(CLIENT_SECRET));
        if (!postgres) {
            COLUMNS.forEach(column -> statements.add("ALTER TABLE " + column.table() + " ALTER COLUMN "
                    + column.name() + " SET DATA TYPE VARCHAR(" + 2 * column.characters() + ")"));
        }
        return statements;
    }
}
