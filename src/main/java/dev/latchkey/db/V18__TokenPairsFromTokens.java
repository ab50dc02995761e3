package dev.latchkey.db;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * Moves the token rows of the old table, two per pair, into V17's {@code token_pairs}, one per pair, and drops the old
 * table. Hashes are turned from hex into bytes here, since the two databases share no SQL function for it. Every
 * refresh token keeps its row (a used one is how a replayed token is recognised), joined with its access token where
 * that is still there; an access token whose refresh token was already deleted (a tenant may let access tokens outlive
 * refresh tokens) gets a row of its own. Progress goes to the log every {@value #PROGRESS_EVERY} pairs.
 */
final class V18__TokenPairsFromTokens extends BaseJavaMigration {
    private static final Logger log = LoggerFactory.getLogger(V18__TokenPairsFromTokens.class);
    private static final int BATCH = 1_000;
    private static final int PROGRESS_EVERY = 100_000;
    private static final String PAIR_COLUMNS = "r.token_hash AS refresh_hash, r.created_at AS refresh_created_at, "
            + "r.expires_at AS refresh_expires_at, r.used_at AS refresh_used_at, r.revoked_at AS refresh_revoked_at, "
            + "a.token_hash AS access_hash, a.created_at AS access_created_at, a.expires_at AS access_expires_at, "
            + "a.revoked_at AS access_revoked_at";
    /** Refresh tokens, each with its access token when that is still there. */
    private static final String REFRESH_ROWS = "SELECT r.tenant_id, r.session_id, " + PAIR_COLUMNS + " FROM tokens r "
            + "LEFT JOIN tokens a ON a.token_hash = r.pair_hash AND a.kind = 'access' AND a.pair_hash = r.token_hash "
            + "WHERE r.kind = 'refresh'";
    /** Access tokens no refresh token names as its partner. */
    private static final String LONE_ACCESS_ROWS = "SELECT a.tenant_id, a.session_id, " + PAIR_COLUMNS
            + " FROM tokens a LEFT JOIN tokens r ON r.token_hash = a.pair_hash AND r.kind = 'refresh' "
            + "AND r.pair_hash = a.token_hash WHERE a.kind = 'access' AND r.token_hash IS NULL";
    private static final String INSERT = "INSERT INTO token_pairs (access_hash, refresh_hash, tenant_id, session_id, "
            + "created_at, access_expires_at, refresh_expires_at, expires_at, access_revoked_at, refresh_used_at, "
            + "refresh_revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        long moved = 0;
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            moved = copy(connection, REFRESH_ROWS, insert, moved);
            moved = copy(connection, LONE_ACCESS_ROWS, insert, moved);
        }
        try (PreparedStatement drop = connection.prepareStatement("DROP TABLE tokens")) {
            drop.execute();
        }
        if (moved > 0) {
            log.info("moved {} token pairs into token_pairs", moved);
        }
    }

    private static long copy(Connection connection, String select, PreparedStatement insert, long moved)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(select)) {
            query.setFetchSize(BATCH);
            try (ResultSet rs = query.executeQuery()) {
                int pending = 0;
                while (rs.next()) {
                    bind(insert, rs);
                    insert.addBatch();
                    moved++;
                    if (++pending == BATCH) {
                        insert.executeBatch();
                        pending = 0;
                    }
                    if (moved % PROGRESS_EVERY == 0) {
                        log.info("moved {} token pairs into token_pairs so far", moved);
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
        }
        return moved;
    }

    /**
     * A missing token's expiry is the pair's creation, so that the row never counts it as live; its hash is NULL,
     * which no look-up matches.
     */
    private static void bind(PreparedStatement insert, ResultSet rs) throws SQLException {
        OffsetDateTime created = time(rs, rs.getString("refresh_hash") != null
                ? "refresh_created_at" : "access_created_at");
        OffsetDateTime accessExpires = orElse(time(rs, "access_expires_at"), created);
        OffsetDateTime refreshExpires = orElse(time(rs, "refresh_expires_at"), created);
        insert.setBytes(1, bytes(rs.getString("access_hash")));
        insert.setBytes(2, bytes(rs.getString("refresh_hash")));
        insert.setString(3, rs.getString("tenant_id"));
        insert.setString(4, rs.getString("session_id"));
        insert.setObject(5, created);
        insert.setObject(6, accessExpires);
        insert.setObject(7, refreshExpires);
        insert.setObject(8, accessExpires.isAfter(refreshExpires) ? accessExpires : refreshExpires);
        insert.setObject(9, time(rs, "access_revoked_at"));
        insert.setObject(10, time(rs, "refresh_used_at"));
        insert.setObject(11, time(rs, "refresh_revoked_at"));
    }

    private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    private static OffsetDateTime orElse(OffsetDateTime value, OffsetDateTime fallback) {
        return value != null ? value : fallback;
    }

    private static byte[] bytes(String hex) {
        return hex == null ? null : HexFormat.of().parseHex(hex);
    }
}
