package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * V12 replaces the session's pointer to its one current access token with pairs: an access token the pointer had
 * retired is revoked outright, the current pair learns its partner, and where pairs cannot be told apart their access
 * tokens are revoked (their refresh tokens still work).
 */
class TokenPairsMigrationTest {
    private static final String TOKEN = "INSERT INTO tokens (token_hash, tenant_id, session_id, kind, created_at, "
            + "expires_at, used_at) VALUES (:hash, 'ten_1', :session, :kind, :created, :expires, :used)";

    @Test
    void migrateWhenSessionPointsAtItsCurrentAccessTokenThenOlderOnesAreRevokedAndTheCurrentPairIsLinked() {
        try (var old = new OldSchema("11")) {
            Jdbi jdbi = old.jdbi;
            jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                session(h, "ses_1", "access_new");
                token(h, "ses_1", "access_old", "access", "2026-01-01T10:00:00Z", null);
                token(h, "ses_1", "refresh_old", "refresh", "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z");
                token(h, "ses_1", "access_new", "access", "2026-01-01T10:05:00Z", null);
                token(h, "ses_1", "refresh_new", "refresh", "2026-01-01T10:05:00Z", null);
                // a rotation and a second tab's grace pair in one millisecond: which token went with which is lost
                session(h, "ses_2", "access_tab_b");
                token(h, "ses_2", "refresh_first", "refresh", "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z");
                token(h, "ses_2", "access_tab_a", "access", "2026-01-01T10:05:00Z", null);
                token(h, "ses_2", "refresh_tab_a", "refresh", "2026-01-01T10:05:00Z", null);
                token(h, "ses_2", "access_tab_b", "access", "2026-01-01T10:05:00Z", null);
                token(h, "ses_2", "refresh_tab_b", "refresh", "2026-01-01T10:05:00Z", null);
            });

            old.upgradeTo("12");

            List<Map<String, Object>> tokens = jdbi.withHandle(h -> h.createQuery(
                    "SELECT token_hash, pair_hash, revoked_at IS NOT NULL AS revoked FROM tokens ORDER BY token_hash")
                    .mapToMap().list());
            assertThat(tokens).extracting(row -> row.get("token_hash"), row -> row.get("pair_hash"),
                            row -> row.get("revoked"))
                    .containsExactly(
                            tuple("access_new", "refresh_new", false),
                            tuple("access_old", null, true),
                            // unpaired: the access tokens go, their refresh tokens still rotate
                            tuple("access_tab_a", null, true),
                            tuple("access_tab_b", null, true),
                            tuple("refresh_first", null, false),
                            tuple("refresh_new", "access_new", false),
                            tuple("refresh_old", null, false),
                            tuple("refresh_tab_a", null, false),
                            tuple("refresh_tab_b", null, false));
        }
    }

    private static void session(Handle h, String id, String accessHash) {
        h.createUpdate("INSERT INTO sessions (tenant_id, id, customer_id, kind, created_at, last_used_at, expires_at, "
                        + "access_hash) VALUES ('ten_1', :id, NULL, 'anonymous', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                        + ":expires, :access)")
                .bind("id", id).bind("access", accessHash)
                .bind("expires", Database.ts(Instant.parse("2099-01-01T00:00:00Z"))).execute();
    }

    private static void token(Handle h, String session, String hash, String kind, String created, String used) {
        h.createUpdate(TOKEN).bind("session", session).bind("hash", hash).bind("kind", kind)
                .bind("created", Database.ts(Instant.parse(created)))
                .bind("expires", Database.ts(Instant.parse("2099-01-01T00:00:00Z")))
                .bind("used", used == null ? null : Database.ts(Instant.parse(used)))
                .execute();
    }
}
