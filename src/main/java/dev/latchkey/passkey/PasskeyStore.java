package dev.latchkey.passkey;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * SQL for passkeys, the customers' user handles and the ceremonies' challenges (V47). Every statement names the
 * tenant.
 */
final class PasskeyStore {
    /** A stored credential, what verifying an assertion needs: the attested credential data and the counter. */
    record Credential(String id, String customerId, String credentialId, String credentialData, long signCount,
                      boolean uvInitialized, boolean backupEligible, boolean backedUp, List<String> transports) {
        PasskeyService.Descriptor descriptor() {
            return new PasskeyService.Descriptor(credentialId, transports);
        }
    }

    /** A new passkey's row. */
    record NewPasskey(String id, String customerId, String credentialId, String credentialData, long signCount,
                      boolean uvInitialized, boolean backupEligible, boolean backedUp, List<String> transports,
                      String aaguid, String name) {
    }

    /** A live challenge, taken (deleted) by its use. */
    record Challenge(String id, String purpose, String challengeHash, String customerId) {
    }

    private static final String OWN = "tenant_id = :tenant AND customer_id = :customer ";
    private static final String COLUMNS = "id, name, transports, backup_eligible, backed_up, created_at, last_used_at";

    Optional<String> userHandle(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT user_handle FROM passkey_users WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(String.class).findOne();
    }

    void insertUserHandle(Handle h, String tenantId, String customerId, String handle) {
        h.createUpdate("INSERT INTO passkey_users (tenant_id, customer_id, user_handle) VALUES (:tenant, :customer, "
                        + ":handle)")
                .bind("tenant", tenantId).bind("customer", customerId).bind("handle", handle).execute();
    }

    Optional<String> customerOfHandle(Handle h, String tenantId, String handle) {
        return h.createQuery("SELECT customer_id FROM passkey_users WHERE tenant_id = :tenant "
                        + "AND user_handle = :handle")
                .bind("tenant", tenantId).bind("handle", handle).mapTo(String.class).findOne();
    }

    /** The customer's passkeys, oldest first. */
    List<Passkey> list(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM passkeys WHERE " + OWN
                        + "ORDER BY created_at, id")
                .bind("tenant", tenantId).bind("customer", customerId).map((rs, ctx) -> passkey(rs)).list();
    }

    Optional<Passkey> find(Handle h, String tenantId, String customerId, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM passkeys WHERE " + OWN
                        + "AND id = :id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", id)
                .map((rs, ctx) -> passkey(rs)).findOne();
    }

    /** The credential ids (base64url) of the customer's passkeys, with their transports, for the options. */
    List<Credential> credentials(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT * FROM passkeys WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "ORDER BY created_at, id")
                .bind("tenant", tenantId).bind("customer", customerId).map((rs, ctx) -> credential(rs)).list();
    }

    Optional<Credential> byCredentialId(Handle h, String tenantId, String credentialId) {
        return h.createQuery("SELECT * FROM passkeys WHERE tenant_id = :tenant AND credential_id = :credential")
                .bind("tenant", tenantId).bind("credential", credentialId).map((rs, ctx) -> credential(rs)).findOne();
    }

    int count(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT COUNT(*) FROM passkeys WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(Integer.class).one();
    }

    void insert(Handle h, String tenantId, NewPasskey p, Instant now) {
        h.createUpdate("INSERT INTO passkeys (tenant_id, id, customer_id, credential_id, credential_data, sign_count, "
                        + "uv_initialized, backup_eligible, backed_up, transports, aaguid, name, created_at) VALUES "
                        + "(:tenant, :id, :customer, :credential, :data, :count, :uv, :be, :bs, :transports, :aaguid, "
                        + ":name, :now)")
                .bind("tenant", tenantId).bind("id", p.id()).bind("customer", p.customerId())
                .bind("credential", p.credentialId()).bind("data", p.credentialData()).bind("count", p.signCount())
                .bind("uv", p.uvInitialized()).bind("be", p.backupEligible()).bind("bs", p.backedUp())
                .bind("transports", String.join(",", p.transports())).bind("aaguid", p.aaguid())
                .bind("name", p.name()).bind("now", Database.ts(now)).execute();
    }

    /**
     * Records a use: the new counter, the backup state, the time. Only while the stored counter is still the one the
     * assertion was checked against, so that of two uses of one counter value only one wins.
     */
    boolean used(Handle h, String tenantId, String id, long checkedCount, long newCount, boolean backedUp,
                 Instant now) {
        return h.createUpdate("UPDATE passkeys SET sign_count = :count, backed_up = :bs, uv_initialized = TRUE, "
                        + "last_used_at = :now WHERE tenant_id = :tenant AND id = :id AND sign_count = :checked")
                .bind("count", newCount).bind("bs", backedUp).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("id", id).bind("checked", checkedCount).execute() == 1;
    }

    boolean rename(Handle h, String tenantId, String customerId, String id, String name) {
        return h.createUpdate("UPDATE passkeys SET name = :name WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "AND id = :id")
                .bind("name", name).bind("tenant", tenantId).bind("customer", customerId).bind("id", id)
                .execute() == 1;
    }

    boolean delete(Handle h, String tenantId, String customerId, String id) {
        return h.createUpdate("DELETE FROM passkeys WHERE tenant_id = :tenant AND customer_id = :customer AND id = :id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", id).execute() == 1;
    }

    void deleteAll(Handle h, String tenantId, String customerId) {
        for (String table : List.of("passkeys", "passkey_users", "passkey_challenges")) {
            h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :tenant AND customer_id = :customer")
                    .bind("tenant", tenantId).bind("customer", customerId).execute();
        }
    }

    void insertChallenge(Handle h, String tenantId, Challenge challenge, Instant now, Instant expiresAt) {
        h.createUpdate("INSERT INTO passkey_challenges (tenant_id, id, purpose, challenge_hash, customer_id, "
                        + "created_at, expires_at) VALUES (:tenant, :id, :purpose, :hash, :customer, :now, :expires)")
                .bind("tenant", tenantId).bind("id", challenge.id()).bind("purpose", challenge.purpose())
                .bind("hash", challenge.challengeHash()).bind("customer", challenge.customerId())
                .bind("now", Database.ts(now)).bind("expires", Database.ts(expiresAt)).execute();
    }

    /** The live registration challenge of the customer with this hash, taken: single use. */
    Optional<Challenge> takeRegistration(Handle h, String tenantId, String customerId, String hash, Instant now) {
        Optional<Challenge> found = h.createQuery("SELECT * FROM passkey_challenges WHERE tenant_id = :tenant "
                        + "AND challenge_hash = :hash AND purpose = :purpose AND customer_id = :customer "
                        + "AND expires_at > :now")
                .bind("tenant", tenantId).bind("hash", hash).bind("purpose", PasskeyService.REGISTRATION)
                .bind("customer", customerId).bind("now", Database.ts(now)).map((rs, ctx) -> challenge(rs)).findFirst();
        return found.filter(c -> take(h, tenantId, c.id()));
    }

    /** The live login challenge with this id, taken: single use, whatever the answer to it. */
    Optional<Challenge> takeLogin(Handle h, String tenantId, String id, Instant now) {
        Optional<Challenge> found = h.createQuery("SELECT * FROM passkey_challenges WHERE tenant_id = :tenant "
                        + "AND id = :id AND purpose = :purpose AND expires_at > :now")
                .bind("tenant", tenantId).bind("id", id).bind("purpose", PasskeyService.LOGIN)
                .bind("now", Database.ts(now)).map((rs, ctx) -> challenge(rs)).findOne();
        return found.filter(c -> take(h, tenantId, c.id()));
    }

    /** Only one of two concurrent uses deletes the row, and only that one goes on. */
    private static boolean take(Handle h, String tenantId, String id) {
        return h.createUpdate("DELETE FROM passkey_challenges WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).execute() == 1;
    }

    int purgeExpired(Handle h, String tenantId, Instant now) {
        return h.createUpdate("DELETE FROM passkey_challenges WHERE tenant_id = :tenant AND expires_at <= :now")
                .bind("tenant", tenantId).bind("now", Database.ts(now)).execute();
    }

    private static Challenge challenge(ResultSet rs) throws SQLException {
        return new Challenge(rs.getString("id"), rs.getString("purpose"), rs.getString("challenge_hash"),
                rs.getString("customer_id"));
    }

    private static Passkey passkey(ResultSet rs) throws SQLException {
        return new Passkey(rs.getString("id"), rs.getString("name"), transports(rs),
                rs.getBoolean("backup_eligible"), rs.getBoolean("backed_up"), Database.instant(rs, "created_at"),
                Database.instant(rs, "last_used_at"));
    }

    private static Credential credential(ResultSet rs) throws SQLException {
        return new Credential(rs.getString("id"), rs.getString("customer_id"), rs.getString("credential_id"),
                rs.getString("credential_data"), rs.getLong("sign_count"), rs.getBoolean("uv_initialized"),
                rs.getBoolean("backup_eligible"), rs.getBoolean("backed_up"), transports(rs));
    }

    private static List<String> transports(ResultSet rs) throws SQLException {
        String stored = rs.getString("transports");
        return stored.isEmpty() ? List.of() : Arrays.asList(stored.split(","));
    }
}
