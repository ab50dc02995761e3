package dev.latchkey.mfa;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for the second factor's tables of one kind of account (customers or staff): the TOTP seeds, the recovery codes
 * and the logins waiting for a code. Both kinds' tables have the same shape, keyed by the tenant and the account's id
 * column; a waiting login also keeps what its kind's login needs to finish ({@code context}).
 */
final class MfaStore {
    static final MfaStore CUSTOMERS = new MfaStore("customers", "mfa_", "customer_id",
            List.of("guest_cart_id", "guest_session_id"));
    static final MfaStore STAFF = new MfaStore("staff", "staff_mfa_", "staff_id", List.of("session_kind"));

    /** The account's TOTP row: the seeds as stored (encrypted), and the last step a code was accepted for. */
    record TotpRow(String secret, String pendingSecret, Long lastStep) {
    }

    /** A login waiting for its second factor; {@code context} holds the kind's own columns (null values allowed). */
    record Challenge(String tokenHash, String ownerId, String firstFactor, int attempts, Map<String, String> context) {
    }

    private final String accounts;
    private final String totp;
    private final String codes;
    private final String challenges;
    private final String owner;
    private final List<String> contextColumns;

    private MfaStore(String accounts, String prefix, String owner, List<String> contextColumns) {
        this.accounts = accounts;
        this.totp = prefix + "totp";
        this.codes = prefix + "recovery_codes";
        this.challenges = prefix + "challenges";
        this.owner = owner;
        this.contextColumns = contextColumns;
    }

    /** The columns a challenge of this kind keeps beside the common ones. */
    List<String> contextColumns() {
        return contextColumns;
    }

    Optional<TotpRow> totp(Handle h, String tenantId, String ownerId) {
        return h.createQuery("SELECT secret, pending_secret, last_step FROM " + totp
                        + " WHERE tenant_id = :tenant AND " + owner + " = :owner")
                .bind("tenant", tenantId).bind("owner", ownerId)
                .map((rs, ctx) -> new TotpRow(rs.getString("secret"), rs.getString("pending_secret"),
                        rs.getObject("last_step", Long.class)))
                .findOne();
    }

    /** A seed shown and not confirmed yet, replacing one shown before. */
    void setPending(Handle h, String tenantId, String ownerId, String pendingSecret, Instant now) {
        int updated = h.createUpdate("UPDATE " + totp + " SET pending_secret = :pending, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND " + owner + " = :owner")
                .bind("pending", pendingSecret).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("owner", ownerId).execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO " + totp + " (tenant_id, " + owner + ", pending_secret, updated_at) "
                            + "VALUES (:tenant, :owner, :pending, :now)")
                    .bind("pending", pendingSecret).bind("now", Database.ts(now))
                    .bind("tenant", tenantId).bind("owner", ownerId).execute();
        }
    }

    /** The pending seed becomes the account's, with the step of the code that confirmed it as used. */
    void confirmPending(Handle h, String tenantId, String ownerId, long step, Instant now) {
        h.createUpdate("UPDATE " + totp + " SET secret = pending_secret, pending_secret = NULL, last_step = :step, "
                        + "updated_at = :now WHERE tenant_id = :tenant AND " + owner + " = :owner")
                .bind("step", step).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("owner", ownerId).execute();
    }

    /** Uses {@code step}; false when it or a later one was used already (the caller holds the account's row). */
    boolean useStep(Handle h, String tenantId, String ownerId, long step, Instant now) {
        return h.createUpdate("UPDATE " + totp + " SET last_step = :step, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND " + owner + " = :owner "
                        + "AND (last_step IS NULL OR last_step < :step)")
                .bind("step", step).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("owner", ownerId).execute() == 1;
    }

    /** A new set of recovery codes (their hashes); the previous set is void. */
    void replaceRecoveryCodes(Handle h, String tenantId, String ownerId, List<String> hashes) {
        deleteRecoveryCodes(h, tenantId, ownerId);
        var batch = h.prepareBatch("INSERT INTO " + codes + " (tenant_id, " + owner + ", code_hash) "
                + "VALUES (:tenant, :owner, :hash)");
        for (String hash : hashes) {
            batch.bind("tenant", tenantId).bind("owner", ownerId).bind("hash", hash).add();
        }
        batch.execute();
    }

    boolean unusedRecoveryCode(Handle h, String tenantId, String ownerId, String hash) {
        return h.createQuery("SELECT COUNT(*) FROM " + codes + " WHERE tenant_id = :tenant "
                        + "AND " + owner + " = :owner AND code_hash = :hash AND used_at IS NULL")
                .bind("tenant", tenantId).bind("owner", ownerId).bind("hash", hash)
                .mapTo(Integer.class).one() > 0;
    }

    /** Uses a recovery code; false when it is not one of the account's unused ones. */
    boolean useRecoveryCode(Handle h, String tenantId, String ownerId, String hash, Instant now) {
        return h.createUpdate("UPDATE " + codes + " SET used_at = :now WHERE tenant_id = :tenant "
                        + "AND " + owner + " = :owner AND code_hash = :hash AND used_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("owner", ownerId)
                .bind("hash", hash).execute() == 1;
    }

    int unusedRecoveryCodes(Handle h, String tenantId, String ownerId) {
        return h.createQuery("SELECT COUNT(*) FROM " + codes + " WHERE tenant_id = :tenant "
                        + "AND " + owner + " = :owner AND used_at IS NULL")
                .bind("tenant", tenantId).bind("owner", ownerId).mapTo(Integer.class).one();
    }

    void insertChallenge(Handle h, String tenantId, Challenge challenge, Instant now, Instant expiresAt) {
        String extra = contextColumns.stream().map(column -> ", " + column).reduce("", String::concat);
        String extraValues = contextColumns.stream().map(column -> ", :" + column).reduce("", String::concat);
        var insert = h.createUpdate("INSERT INTO " + challenges + " (tenant_id, token_hash, " + owner
                        + ", first_factor, attempts, created_at, expires_at" + extra + ") VALUES (:tenant, :hash, "
                        + ":owner, :first, 0, :now, :expires" + extraValues + ")")
                .bind("tenant", tenantId).bind("hash", challenge.tokenHash()).bind("owner", challenge.ownerId())
                .bind("first", challenge.firstFactor())
                .bind("now", Database.ts(now)).bind("expires", Database.ts(expiresAt));
        contextColumns.forEach(column -> insert.bind(column, challenge.context().get(column)));
        insert.execute();
    }

    /** The live challenge with this token hash, its row locked: two codes sent at once are tried one by one. */
    Optional<Challenge> lockChallenge(Handle h, String tenantId, String tokenHash, Instant now) {
        return h.createQuery("SELECT * FROM " + challenges + " WHERE tenant_id = :tenant AND token_hash = :hash "
                        + "AND expires_at > :now FOR UPDATE")
                .bind("tenant", tenantId).bind("hash", tokenHash).bind("now", Database.ts(now))
                .map((rs, ctx) -> new Challenge(rs.getString("token_hash"), rs.getString(owner),
                        rs.getString("first_factor"), rs.getInt("attempts"), context(rs)))
                .findOne();
    }

    private Map<String, String> context(ResultSet rs) throws SQLException {
        Map<String, String> context = new LinkedHashMap<>();
        for (String column : contextColumns) {
            context.put(column, rs.getString(column));
        }
        return context;
    }

    /** The address of the account a live challenge is for, to count its tries in that account's rate limit. */
    Optional<String> challengedEmail(Handle h, String tenantId, String tokenHash, Instant now) {
        return h.createQuery("SELECT a.email FROM " + challenges + " m JOIN " + accounts + " a ON a.tenant_id = "
                        + "m.tenant_id AND a.id = m." + owner + " WHERE m.tenant_id = :tenant AND m.token_hash = :hash "
                        + "AND m.expires_at > :now")
                .bind("tenant", tenantId).bind("hash", tokenHash).bind("now", Database.ts(now))
                .mapTo(String.class).findOne();
    }

    void countFailure(Handle h, String tenantId, String tokenHash) {
        h.createUpdate("UPDATE " + challenges + " SET attempts = attempts + 1 WHERE tenant_id = :tenant "
                        + "AND token_hash = :hash")
                .bind("tenant", tenantId).bind("hash", tokenHash).execute();
    }

    void deleteChallenge(Handle h, String tenantId, String tokenHash) {
        h.createUpdate("DELETE FROM " + challenges + " WHERE tenant_id = :tenant AND token_hash = :hash")
                .bind("tenant", tenantId).bind("hash", tokenHash).execute();
    }

    int deleteExpiredChallenges(Handle h, String tenantId, Instant now) {
        return h.createUpdate("DELETE FROM " + challenges + " WHERE tenant_id = :tenant AND expires_at <= :now")
                .bind("tenant", tenantId).bind("now", Database.ts(now)).execute();
    }

    /** Everything of the account's second factor: turned off, reset, or the account erased. */
    void deleteAll(Handle h, String tenantId, String ownerId) {
        h.createUpdate("DELETE FROM " + totp + " WHERE tenant_id = :tenant AND " + owner + " = :owner")
                .bind("tenant", tenantId).bind("owner", ownerId).execute();
        deleteChallenges(h, tenantId, List.of(ownerId));
        deleteRecoveryCodes(h, tenantId, ownerId);
    }

    /** The challenges of every one of {@code ownerIds}, in one statement. */
    void deleteChallenges(Handle h, String tenantId, List<String> ownerIds) {
        h.createUpdate("DELETE FROM " + challenges + " WHERE tenant_id = :tenant AND " + owner + " IN (<owners>)")
                .bind("tenant", tenantId).bindList("owners", ownerIds).execute();
    }

    private void deleteRecoveryCodes(Handle h, String tenantId, String ownerId) {
        h.createUpdate("DELETE FROM " + codes + " WHERE tenant_id = :tenant AND " + owner + " = :owner")
                .bind("tenant", tenantId).bind("owner", ownerId).execute();
    }
}
