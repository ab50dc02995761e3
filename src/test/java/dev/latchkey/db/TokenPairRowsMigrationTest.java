package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * V17 and V18 move tokens from one row each into one row per pair: partners that name each other share a row, and a
 * token whose partner is gone (deleted as expired) or was never known (before V12) keeps a row of its own, so a live
 * token still works and a used refresh token is still recognised when replayed.
 */
class TokenPairRowsMigrationTest {
    private static final Instant CREATED = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant ACCESS_EXPIRES = Instant.parse("2026-11-01T10:15:00Z");
    private static final Instant REFRESH_EXPIRES = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant USED = Instant.parse("2026-11-01T10:10:00Z");

    private static final String TOKEN = "INSERT INTO tokens (token_hash, tenant_id, session_id, kind, created_at, "
            + "expires_at, used_at, revoked_at, pair_hash) "
            + "VALUES (:hash, 'ten_1', :session, :kind, :created, :expires, :used, :revoked, :pair)";

    /** A pair row as read back: hashes in hex (null when absent). */
    private record PairRow(String access, String refresh, String session, Instant accessExpires,
                           Instant refreshExpires, Instant expires, Instant accessRevoked, Instant refreshUsed,
                           Instant refreshRevoked) {
    }

    @Test
    void migrateWhenTokensLieInOneRowEachThenEveryPairIsOneRowAndLoneTokensKeepTheirOwn() {
        try (var old = new OldSchema("16")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                // a rotated pair (access retired, refresh used) and the live pair it handed out
                token(h, hash('1'), "ses_1", "access", ACCESS_EXPIRES, null, USED, hash('2'));
                token(h, hash('2'), "ses_1", "refresh", REFRESH_EXPIRES, USED, null, hash('1'));
                token(h, hash('3'), "ses_1", "access", ACCESS_EXPIRES, null, null, hash('4'));
                token(h, hash('4'), "ses_1", "refresh", REFRESH_EXPIRES, null, null, hash('3'));
                // a live refresh token whose access token was deleted as expired
                token(h, hash('5'), "ses_2", "refresh", REFRESH_EXPIRES, null, null, hash('6'));
                // a live access token that outlives its refresh token, which was deleted
                token(h, hash('7'), "ses_3", "access", REFRESH_EXPIRES, null, null, hash('8'));
                // from before V12: a used refresh token and a revoked access token that never learnt their partners
                token(h, hash('9'), "ses_4", "refresh", REFRESH_EXPIRES, USED, null, null);
                token(h, hash('a'), "ses_4", "access", ACCESS_EXPIRES, null, USED, null);
            });

            old.upgrade();

            List<PairRow> rows = old.jdbi.withHandle(h -> h.createQuery("SELECT * FROM token_pairs "
                    + "ORDER BY session_id, created_at, refresh_hash").map((rs, ctx) -> row(rs)).list());
            assertThat(rows).containsExactlyInAnyOrder(
                    new PairRow(hash('1'), hash('2'), "ses_1", ACCESS_EXPIRES, REFRESH_EXPIRES, REFRESH_EXPIRES,
                            USED, USED, null),
                    new PairRow(hash('3'), hash('4'), "ses_1", ACCESS_EXPIRES, REFRESH_EXPIRES, REFRESH_EXPIRES,
                            null, null, null),
                    new PairRow(null, hash('5'), "ses_2", CREATED, REFRESH_EXPIRES, REFRESH_EXPIRES,
                            null, null, null),
                    new PairRow(hash('7'), null, "ses_3", REFRESH_EXPIRES, CREATED, REFRESH_EXPIRES,
                            null, null, null),
                    new PairRow(null, hash('9'), "ses_4", CREATED, REFRESH_EXPIRES, REFRESH_EXPIRES,
                            null, USED, null),
                    new PairRow(hash('a'), null, "ses_4", ACCESS_EXPIRES, CREATED, ACCESS_EXPIRES,
                            USED, null, null));
            assertThatThrownBy(() -> old.jdbi.useHandle(h -> h.createQuery("SELECT COUNT(*) FROM tokens")
                    .mapTo(Integer.class).one())).hasMessageContaining("tokens");
        }
    }

    private static String hash(char digit) {
        return String.valueOf(digit).repeat(64);
    }

    private static void token(Handle h, String hash, String session, String kind, Instant expires, Instant used,
                              Instant revoked, String pair) {
        h.createUpdate(TOKEN).bind("hash", hash).bind("session", session).bind("kind", kind)
                .bind("created", Database.ts(CREATED)).bind("expires", Database.ts(expires))
                .bind("used", Database.ts(used)).bind("revoked", Database.ts(revoked)).bind("pair", pair)
                .execute();
    }

    private static PairRow row(ResultSet rs) throws SQLException {
        return new PairRow(hex(rs.getBytes("access_hash")), hex(rs.getBytes("refresh_hash")),
                rs.getString("session_id"), Database.instant(rs, "access_expires_at"),
                Database.instant(rs, "refresh_expires_at"), Database.instant(rs, "expires_at"),
                Database.instant(rs, "access_revoked_at"), Database.instant(rs, "refresh_used_at"),
                Database.instant(rs, "refresh_revoked_at"));
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }
}
