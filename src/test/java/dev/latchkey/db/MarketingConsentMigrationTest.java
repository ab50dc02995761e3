package dev.latchkey.db;

import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * V59 carries the marketing consents recorded before it over: a consent is subscribed, anything else not subscribed,
 * both at the level unknown (how they were given was not recorded), as of the time of the last choice.
 */
class MarketingConsentMigrationTest {
    private static final String CUSTOMER = "INSERT INTO customers (tenant_id, id, email, email_verified, status, "
            + "accepts_marketing, accepts_marketing_updated_at, attributes, created_at, updated_at, version) VALUES "
            + "('ten_1', :id, :email, TRUE, 'active', :accepts, :at, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)";

    @Test
    void migrateWhenConsentsRecordedBeforeThenSubscribedOrNotWithUnknownLevel() {
        try (var old = new OldSchema("58")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                h.createUpdate(CUSTOMER).bind("id", "cus_yes").bind("email", "yes@example.com").bind("accepts", true)
                        .bind("at", Timestamp.valueOf("2026-05-08 13:00:00")).execute();
                h.createUpdate(CUSTOMER).bind("id", "cus_no").bind("email", "no@example.com").bind("accepts", false)
                        .bind("at", Timestamp.valueOf("2026-05-09 13:00:00")).execute();
                h.createUpdate(CUSTOMER).bind("id", "cus_never").bind("email", "never@example.com")
                        .bind("accepts", false).bind("at", (Timestamp) null).execute();
            });

            old.upgrade();

            List<Map<String, Object>> rows = old.jdbi.withHandle(h -> h.createQuery("SELECT id, marketing_state, "
                    + "marketing_opt_in_level, "
                    + "marketing_consent_updated_at = accepts_marketing_updated_at AS same_time, "
                    + "marketing_consent_updated_at IS NULL AS no_time FROM customers ORDER BY id").mapToMap().list());
            assertThat(rows).extracting(r -> r.get("id"), r -> r.get("marketing_state"),
                            r -> r.get("marketing_opt_in_level"), r -> r.get("same_time"), r -> r.get("no_time"))
                    .containsExactly(tuple("cus_never", "not_subscribed", "unknown", null, true),
                            tuple("cus_no", "not_subscribed", "unknown", true, false),
                            tuple("cus_yes", "subscribed", "unknown", true, false));
            // the states are the contract's: anything else is refused by the database too
            old.jdbi.useHandle(h -> assertThatThrownBy(() -> h.execute(
                    "UPDATE customers SET marketing_state = 'maybe' WHERE id = 'cus_yes'")).isNotNull());
        }
    }
}
