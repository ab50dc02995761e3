package dev.latchkey.mfa;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for the second factor's tables: the TOTP seeds, the recovery codes and the logins waiting for a code. */
final class MfaStore {
    /** The account's TOTP row: the seeds as stored (encrypted), and the last step a code was accepted for. */
    record TotpRow(String secret, String pendingSecret, Long lastStep) {
    }

    /** A login waiting for its second factor. */
    record Challenge(String tokenHash, String customerId, String guestCartId, String guestSessionId,
                     String firstFactor, int attempts) {
    }

    Optional<TotpRow> totp(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT secret, pending_secret, last_step FROM mfa_totp "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> new TotpRow(rs.getString("secret"), rs.getString("pending_secret"),
                        rs.getObject("last_step", Long.class)))
                .findOne();
    }

    /** A seed shown and not confirmed yet, replacing one shown before. */
    void setPending(Handle h, String tenantId, String customerId, String pendingSecret, Instant now) {
        int updated = h.createUpdate("UPDATE mfa_totp SET pending_secret = :pending, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("pending", pendingSecret).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("customer", customerId).execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO mfa_totp (tenant_id, customer_id, pending_secret, updated_at) "
                            + "VALUES (:tenant, :customer, :pending, :now)")
                    .bind("pending", pendingSecret).bind("now", Database.ts(now))
                    .bind("tenant", tenantId).bind("customer", customerId).execute();
        }
    }

    /** The pending seed becomes the account's, with the step of the code that confirmed it as used. */
    void confirmPending(Handle h, String tenantId, String customerId, long step, Instant now) {
        h.createUpdate("UPDATE mfa_totp SET secret = pending_secret, pending_secret = NULL, last_step = :step, "
                        + "updated_at = :now WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("step", step).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }

    /** Uses {@code step}; false when it or a later one was used already (the caller holds the account's row). */
    boolean useStep(Handle h, String tenantId, String customerId, long step, Instant now) {
        return h.createUpdate("UPDATE mfa_totp SET last_step = :step, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "AND (last_step IS NULL OR last_step < :step)")
                .bind("step", step).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("customer", customerId).execute() == 1;
    }

    /** A new set of recovery codes (their hashes); the previous set is void. */
    void replaceRecoveryCodes(Handle h, String tenantId, String customerId, List<String> hashes) {
        deleteRecoveryCodes(h, tenantId, customerId);
        var batch = h.prepareBatch("INSERT INTO mfa_recovery_codes (tenant_id, customer_id, code_hash) "
                + "VALUES (:tenant, :customer, :hash)");
        for (String hash : hashes) {
            batch.bind("tenant", tenantId).bind("customer", customerId).bind("hash", hash).add();
        }
        batch.execute();
    }

    boolean unusedRecoveryCode(Handle h, String tenantId, String customerId, String hash) {
        return h.createQuery("SELECT COUNT(*) FROM mfa_recovery_codes WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND code_hash = :hash AND used_at IS NULL")
                .bind("tenant", tenantId).bind("customer", customerId).bind("hash", hash)
                .mapTo(Integer.class).one() > 0;
    }

    /** Uses a recovery code; false when it is not one of the account's unused ones. */
    boolean useRecoveryCode(Handle h, String tenantId, String customerId, String hash, Instant now) {
        return h.createUpdate("UPDATE mfa_recovery_codes SET used_at = :now WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND code_hash = :hash AND used_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("customer", customerId)
                .bind("hash", hash).execute() == 1;
    }

    int unusedRecoveryCodes(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT COUNT(*) FROM mfa_recovery_codes WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND used_at IS NULL")
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(Integer.class).one();
    }

    void insertChallenge(Handle h, String tenantId, Challenge challenge, Instant now, Instant expiresAt) {
        h.createUpdate("INSERT INTO mfa_challenges (tenant_id, token_hash, customer_id, guest_cart_id, "
                        + "guest_session_id, first_factor, attempts, created_at, expires_at) VALUES (:tenant, :hash, "
                        + ":customer, :cart, :session, :first, 0, :now, :expires)")
                .bind("tenant", tenantId).bind("hash", challenge.tokenHash())
                .bind("customer", challenge.customerId()).bind("cart", challenge.guestCartId())
                .bind("session", challenge.guestSessionId()).bind("first", challenge.firstFactor())
                .bind("now", Database.ts(now)).bind("expires", Database.ts(expiresAt)).execute();
    }

    /** The live challenge with this token hash, its row locked: two codes sent at once are tried one by one. */
    Optional<Challenge> lockChallenge(Handle h, String tenantId, String tokenHash, Instant now) {
        return h.createQuery("SELECT * FROM mfa_challenges WHERE tenant_id = :tenant AND token_hash = :hash "
                        + "AND expires_at > :now FOR UPDATE")
                .bind("tenant", tenantId).bind("hash", tokenHash).bind("now", Database.ts(now))
                .map((rs, ctx) -> new Challenge(rs.getString("token_hash"), rs.getString("customer_id"),
                        rs.getString("guest_cart_id"), rs.getString("guest_session_id"),
                        rs.getString("first_factor"), rs.getInt("attempts")))
                .findOne();
    }

    /** The address of the account a live challenge is for, to count its tries in that account's rate limit. */
    Optional<String> challengedEmail(Handle h, String tenantId, String tokenHash, Instant now) {
        return h.createQuery("SELECT c.email FROM mfa_challenges m JOIN customers c ON c.tenant_id = m.tenant_id "
                        + "AND c.id = m.customer_id WHERE m.tenant_id = :tenant AND m.token_hash = :hash "
                        + "AND m.expires_at > :now")
                .bind("tenant", tenantId).bind("hash", tokenHash).bind("now", Database.ts(now))
                .mapTo(String.class).findOne();
    }

    void countFailure(Handle h, String tenantId, String tokenHash) {
        h.createUpdate("UPDATE mfa_challenges SET attempts = attempts + 1 WHERE tenant_id = :tenant "
                        + "AND token_hash = :hash")
                .bind("tenant", tenantId).bind("hash", tokenHash).execute();
    }

    void deleteChallenge(Handle h, String tenantId, String tokenHash) {
        h.createUpdate("DELETE FROM mfa_challenges WHERE tenant_id = :tenant AND token_hash = :hash")
                .bind("tenant", tenantId).bind("hash", tokenHash).execute();
    }

    int deleteExpiredChallenges(Handle h, String tenantId, Instant now) {
        return h.createUpdate("DELETE FROM mfa_challenges WHERE tenant_id = :tenant AND expires_at <= :now")
                .bind("tenant", tenantId).bind("now", Database.ts(now)).execute();
    }

    /** Everything of the account's second factor: turned off, or the account erased. */
    void deleteAll(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM mfa_totp WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).execute();
        deleteChallenges(h, tenantId, customerId);
        deleteRecoveryCodes(h, tenantId, customerId);
    }

    void deleteChallenges(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM mfa_challenges WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }

    private void deleteRecoveryCodes(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM mfa_recovery_codes WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }
}
