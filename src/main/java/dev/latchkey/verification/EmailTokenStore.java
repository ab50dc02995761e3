package dev.latchkey.verification;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for emailed tokens, kept by SHA-256 only. Every statement names the tenant. */
public final class EmailTokenStore {
    /** {@code codeHash} only for a login code (see {@link LoginCodes}), else null. */
    public void insert(Handle h, String tokenHash, EmailToken token, String codeHash) {
        h.createUpdate("INSERT INTO email_tokens (token_hash, tenant_id, customer_id, purpose, email, created_at, "
                        + "expires_at, code_hash) VALUES (:hash, :tenant, :customer, :purpose, :email, :created, "
                        + ":expires, :code)")
                .bind("hash", tokenHash).bind("code", codeHash)
                .bind("tenant", token.tenantId()).bind("customer", token.customerId())
                .bind("purpose", token.purpose().wire()).bind("email", token.email())
                .bind("created", Database.ts(token.createdAt())).bind("expires", Database.ts(token.expiresAt()))
                .execute();
    }

    public Optional<EmailToken> find(Handle h, String tenantId, String tokenHash) {
        return h.createQuery("SELECT * FROM email_tokens WHERE token_hash = :hash AND tenant_id = :tenant")
                .bind("hash", tokenHash).bind("tenant", tenantId)
                .map(EmailTokenStore::token)
                .findOne();
    }

    /** The customer's tokens, oldest first. */
    public List<EmailToken> allOf(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT * FROM email_tokens WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "ORDER BY created_at, token_hash")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map(EmailTokenStore::token)
                .list();
    }

    private static EmailToken token(ResultSet rs, StatementContext ctx) throws SQLException {
        return new EmailToken(rs.getString("tenant_id"), rs.getString("customer_id"),
                TokenPurpose.valueOf(rs.getString("purpose").toUpperCase()), rs.getString("email"),
                Database.instant(rs, "created_at"), Database.instant(rs, "expires_at"),
                Database.instant(rs, "used_at"), Database.instant(rs, "voided_at"));
    }

    /**
     * Uses the token up. The condition on used_at makes this the single point of truth: of two concurrent uses, the
     * second finds the row already used (PostgreSQL and H2 both re-check it after the first commits) and changes nothing.
     */
    public int markUsed(Handle h, String tenantId, String tokenHash, TokenPurpose purpose, Instant now) {
        return h.createUpdate("UPDATE email_tokens SET used_at = :now WHERE token_hash = :hash AND tenant_id = :tenant "
                        + "AND purpose = :purpose AND used_at IS NULL AND voided_at IS NULL AND expires_at > :now")
                .bind("now", Database.ts(now)).bind("hash", tokenHash).bind("tenant", tenantId)
                .bind("purpose", purpose.wire())
                .execute();
    }

    /** Withdraws the customer's unused tokens of this purpose, but one mailed to {@code keptEmail} (may be null). */
    public int voidOutstanding(Handle h, String tenantId, String customerId, TokenPurpose purpose, String keptEmail,
                               Instant now) {
        var update = h.createUpdate("UPDATE email_tokens SET voided_at = :now WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND purpose = :purpose AND used_at IS NULL AND voided_at IS NULL"
                        + (keptEmail == null ? "" : " AND email <> :kept"))
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("customer", customerId)
                .bind("purpose", purpose.wire());
        if (keptEmail != null) {
            update.bind("kept", keptEmail);
        }
        return update.execute();
    }

    /** Takes back the withdrawal of the newest token to {@code email}, unless it is used or expired. */
    public void reviveNewest(Handle h, String tenantId, String customerId, TokenPurpose purpose, String email,
                             Instant now) {
        h.createUpdate("UPDATE email_tokens SET voided_at = NULL WHERE token_hash = (SELECT token_hash FROM email_tokens "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer AND purpose = :purpose AND email = :email "
                        + "ORDER BY created_at DESC LIMIT 1) AND used_at IS NULL AND expires_at > :now")
                .bind("tenant", tenantId).bind("customer", customerId).bind("purpose", purpose.wire())
                .bind("email", email).bind("now", Database.ts(now))
                .execute();
    }

    public void deleteAll(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM email_tokens WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId)
                .execute();
    }

    /** When a token of this purpose was last sent to this address, for the per-address mail throttle. */
    /** Takes the address's turn (see V58): waits while another transaction has it. */
    void takeTurn(Handle h, String tenantId, TokenPurpose purpose, String emailHash) {
        h.createUpdate("INSERT INTO email_address_turns (tenant_id, purpose, email_hash) "
                        + "VALUES (:tenant, :purpose, :hash)")
                .bind("tenant", tenantId).bind("purpose", purpose.wire()).bind("hash", emailHash)
                .execute();
    }

    /** Gives the turn taken in this transaction up once the transaction ends, leaving no row behind. */
    void endTurn(Handle h, String tenantId, TokenPurpose purpose, String emailHash) {
        h.createUpdate("DELETE FROM email_address_turns WHERE tenant_id = :tenant AND purpose = :purpose "
                        + "AND email_hash = :hash")
                .bind("tenant", tenantId).bind("purpose", purpose.wire()).bind("hash", emailHash)
                .execute();
    }

    public Optional<Instant> lastIssued(Handle h, String tenantId, TokenPurpose purpose, String email) {
        return h.createQuery("SELECT MAX(created_at) AS last_at FROM email_tokens WHERE tenant_id = :tenant "
                        + "AND email = :email AND purpose = :purpose")
                .bind("tenant", tenantId).bind("purpose", purpose.wire())
                .bind("email", email)
                .map((rs, ctx) -> Database.instant(rs, "last_at"))
                .findOne();
    }

    /** A customer's live login code: the row's key and the hash of key and code. */
    public record LiveCode(String tokenHash, String codeHash) {
    }

    /**
     * The customer's newest login code to {@code email} that is unused, not withdrawn and not expired (a new code
     * withdraws the ones before it, so there is one at most).
     */
    public Optional<LiveCode> liveCode(Handle h, String tenantId, String customerId, String email, Instant now) {
        return h.createQuery("SELECT token_hash, code_hash FROM email_tokens WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND purpose = :purpose AND email = :email AND used_at IS NULL "
                        + "AND voided_at IS NULL AND expires_at > :now ORDER BY created_at DESC LIMIT 1")
                .bind("tenant", tenantId).bind("customer", customerId).bind("purpose", TokenPurpose.LOGIN_CODE.wire())
                .bind("email", email).bind("now", Database.ts(now))
                .map((rs, ctx) -> new LiveCode(rs.getString("token_hash"), rs.getString("code_hash")))
                .findOne();
    }

    /** Counts a wrong entry of the code; the {@code limit}-th withdraws it. */
    public void countWrongCode(Handle h, String tenantId, String tokenHash, int limit, Instant now) {
        h.createUpdate("UPDATE email_tokens SET failed_attempts = failed_attempts + 1, voided_at = CASE "
                        + "WHEN failed_attempts + 1 >= :limit THEN :now ELSE voided_at END "
                        + "WHERE token_hash = :hash AND tenant_id = :tenant")
                .bind("limit", limit).bind("now", Database.ts(now)).bind("hash", tokenHash).bind("tenant", tenantId)
                .execute();
    }

    public int deleteExpired(Handle h, String tenantId, Instant cutoff) {
        return h.createUpdate("DELETE FROM email_tokens WHERE tenant_id = :tenant AND expires_at < :cutoff")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff)).execute();
    }
}
