package dev.latchkey.privacy;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for account-deletion tokens, found by their SHA-256 and always within one customer of one tenant. */
final class DeletionTokenStore {
    private static final String OWNER = "tenant_id = :tenant AND customer_id = :customer";

    void insert(Handle h, String tenantId, String customerId, String tokenHash, Instant now, Instant expiresAt) {
        h.createUpdate("INSERT INTO deletion_tokens (token_hash, tenant_id, customer_id, created_at, expires_at) "
                        + "VALUES (:hash, :tenant, :customer, :now, :exp)")
                .bind("hash", tokenHash).bind("tenant", tenantId).bind("customer", customerId)
                .bind("now", Database.ts(now)).bind("exp", Database.ts(expiresAt))
                .execute();
    }

    /** Uses a live token up by removing it: of two concurrent callers only one gets 1 back. */
    int consume(Handle h, String tenantId, String customerId, String tokenHash, Instant now) {
        return h.createUpdate("DELETE FROM deletion_tokens WHERE " + OWNER
                        + " AND token_hash = :hash AND expires_at > :now")
                .bind("tenant", tenantId).bind("customer", customerId).bind("hash", tokenHash)
                .bind("now", Database.ts(now)).execute();
    }

    /** When a token that could not be consumed expired; empty when it is not this customer's token at all. */
    Optional<Instant> expiry(Handle h, String tenantId, String customerId, String tokenHash) {
        return h.createQuery("SELECT expires_at FROM deletion_tokens WHERE " + OWNER + " AND token_hash = :hash")
                .bind("tenant", tenantId).bind("customer", customerId).bind("hash", tokenHash)
                .map((rs, ctx) -> Database.instant(rs, "expires_at")).findOne();
    }

    /** The customer's tokens as their data export shows them: when each was asked for and until when it works. */
    List<AccountDeletionService.Request> allOf(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT created_at, expires_at FROM deletion_tokens WHERE " + OWNER
                        + " ORDER BY created_at, token_hash")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> new AccountDeletionService.Request(Database.instant(rs, "created_at"),
                        Database.instant(rs, "expires_at")))
                .list();
    }

    /** When the customer's newest token was issued (and its mail queued), for the mail throttle. */
    Optional<Instant> lastIssued(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT MAX(created_at) AS last_at FROM deletion_tokens WHERE " + OWNER)
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> Database.instant(rs, "last_at")).findOne();
    }

    void deleteAll(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM deletion_tokens WHERE " + OWNER)
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }

    int deleteExpired(Handle h, String tenantId, Instant cutoff) {
        return h.createUpdate("DELETE FROM deletion_tokens WHERE tenant_id = :tenant AND expires_at < :cutoff")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff)).execute();
    }
}
