package dev.latchkey.oidc;

import dev.latchkey.auth.Secrets;
import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for identity providers, the logins waiting for them and the customers' linked identities. */
final class OidcStore {
    /**
     * The lock a login's link and a way-in count take on a provider's row: it must hold off the merchant's disable or
     * delete, not other logins. PostgreSQL has a shared lock for that; H2 has none, so there it is exclusive and
     * first links through one provider queue for the milliseconds each holds it.
     */
    private final String heldAgainstChange;

    OidcStore(boolean postgres) {
        this.heldAgainstChange = postgres ? "FOR SHARE" : "FOR UPDATE";
    }

    /**
     * A login sent to a provider, as the callback finds it; {@code bindingHash} is the hash of the secret that the
     * browser which started it holds (null for a login started before there was one).
     */
    record State(String providerId, String redirectUri, String codeVerifier, String nonce, String linkCustomerId,
                 String bindingHash, Instant expiresAt) {

        /** Whether {@code binding} is this login's, compared in constant time. */
        boolean boundTo(String binding) {
            return bindingHash != null && Secrets.constantTimeEquals(bindingHash, Secrets.sha256(binding));
        }
    }

    /** A customer's account at a provider; {@code lastUsedAt} null until it first logs in. */
    record Identity(String id, String customerId, String providerId, String subject, String email,
                    Instant createdAt, Instant lastUsedAt) {
    }

    // --- providers ---

    void insert(Handle h, IdentityProvider p) {
        bindProvider(h.createUpdate("INSERT INTO identity_providers (tenant_id, id, slug, display_name, issuer, "
                        + "client_id, client_secret, apple_team_id, apple_key_id, apple_private_key, scopes, enabled, "
                        + "created_at, updated_at) VALUES (:tenant, :id, :slug, :name, :issuer, :clientId, :secret, "
                        + ":appleTeam, :appleKeyId, :appleKey, :scopes, :enabled, :at, :at)"), p)
                .bind("at", Database.ts(p.createdAt()))
                .execute();
    }

    void update(Handle h, IdentityProvider p) {
        bindProvider(h.createUpdate("UPDATE identity_providers SET slug = :slug, display_name = :name, "
                        + "issuer = :issuer, client_id = :clientId, client_secret = :secret, "
                        + "apple_team_id = :appleTeam, apple_key_id = :appleKeyId, apple_private_key = :appleKey, "
                        + "scopes = :scopes, enabled = :enabled, updated_at = :at "
                        + "WHERE tenant_id = :tenant AND id = :id"), p)
                .bind("at", Database.ts(p.updatedAt()))
                .execute();
    }

    /** Every column but the times; the Apple key's are null for a provider with a client secret. */
    private static Update bindProvider(Update update, IdentityProvider p) {
        IdentityProvider.AppleKey key = p.appleKey();
        return update.bind("tenant", p.tenantId()).bind("id", p.id()).bind("slug", p.slug())
                .bind("name", p.displayName()).bind("issuer", p.issuer()).bind("clientId", p.clientId())
                .bind("secret", p.clientSecret())
                .bind("appleTeam", key == null ? null : key.teamId())
                .bind("appleKeyId", key == null ? null : key.keyId())
                .bind("appleKey", key == null ? null : key.privateKey())
                .bind("scopes", IdentityProvider.storedScopes(p.scopes())).bind("enabled", p.enabled());
    }

    Optional<IdentityProvider> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM identity_providers WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).map((rs, ctx) -> provider(rs)).findOne();
    }

    Optional<IdentityProvider> findForUpdate(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM identity_providers WHERE tenant_id = :tenant AND id = :id FOR UPDATE")
                .bind("tenant", tenantId).bind("id", id).map((rs, ctx) -> provider(rs)).findOne();
    }

    /** The provider, its row held against a change or deletion until the caller's transaction ends. */
    Optional<IdentityProvider> findHeld(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM identity_providers WHERE tenant_id = :tenant AND id = :id "
                        + heldAgainstChange)
                .bind("tenant", tenantId).bind("id", id).map((rs, ctx) -> provider(rs)).findOne();
    }

    Optional<IdentityProvider> findBySlug(Handle h, String tenantId, String slug) {
        return h.createQuery("SELECT * FROM identity_providers WHERE tenant_id = :tenant AND slug = :slug")
                .bind("tenant", tenantId).bind("slug", slug).map((rs, ctx) -> provider(rs)).findOne();
    }

    boolean slugTaken(Handle h, String tenantId, String slug, String exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM identity_providers WHERE tenant_id = :tenant AND slug = :slug "
                        + "AND id <> :id")
                .bind("tenant", tenantId).bind("slug", slug).bind("id", exceptId).mapTo(Integer.class).one() > 0;
    }

    /** Oldest first: the order a storefront shows its buttons in unless it chooses its own. */
    List<IdentityProvider> list(Handle h, String tenantId) {
        return h.createQuery("SELECT * FROM identity_providers WHERE tenant_id = :tenant ORDER BY created_at, id")
                .bind("tenant", tenantId).map((rs, ctx) -> provider(rs)).list();
    }

    int count(Handle h, String tenantId) {
        return h.createQuery("SELECT COUNT(*) FROM identity_providers WHERE tenant_id = :tenant")
                .bind("tenant", tenantId).mapTo(Integer.class).one();
    }

    /** Whether any customer has a provider account of this provider linked (the unique index's prefix finds it). */
    boolean hasLinks(Handle h, String tenantId, String providerId) {
        return h.createQuery("SELECT 1 FROM customer_identities WHERE tenant_id = :tenant AND provider_id = :provider "
                        + "LIMIT 1")
                .bind("tenant", tenantId).bind("provider", providerId).mapTo(Integer.class).findOne().isPresent();
    }

    /** The provider, whose row the caller has locked, with its waiting logins and its links to customers. */
    void delete(Handle h, String tenantId, String id) {
        h.createUpdate("DELETE FROM oidc_states WHERE tenant_id = :tenant AND provider_id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
        h.createUpdate("DELETE FROM customer_identities WHERE tenant_id = :tenant AND provider_id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
        h.createUpdate("DELETE FROM identity_providers WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
    }

    private static IdentityProvider provider(ResultSet rs) throws SQLException {
        String appleKey = rs.getString("apple_private_key");
        return new IdentityProvider(rs.getString("tenant_id"), rs.getString("id"), rs.getString("slug"),
                rs.getString("display_name"), rs.getString("issuer"), rs.getString("client_id"),
                rs.getString("client_secret"), appleKey == null ? null : new IdentityProvider.AppleKey(
                        rs.getString("apple_team_id"), rs.getString("apple_key_id"), appleKey),
                IdentityProvider.readScopes(rs.getString("scopes")),
                rs.getBoolean("enabled"), Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"));
    }

    // --- waiting logins ---

    void insertState(Handle h, String tenantId, String stateHash, State state, Instant now) {
        h.createUpdate("INSERT INTO oidc_states (tenant_id, state_hash, provider_id, redirect_uri, code_verifier, "
                        + "nonce, link_customer_id, binding_hash, created_at, expires_at) VALUES (:tenant, :hash, "
                        + ":provider, :redirect, :verifier, :nonce, :link, :binding, :now, :expires)")
                .bind("tenant", tenantId).bind("hash", stateHash).bind("provider", state.providerId())
                .bind("redirect", state.redirectUri()).bind("verifier", state.codeVerifier())
                .bind("nonce", state.nonce()).bind("link", state.linkCustomerId())
                .bind("binding", state.bindingHash()).bind("now", Database.ts(now)).bind("expires", Database.ts(state.expiresAt()))
                .execute();
    }

    /** Removes the state and answers what it held: a state is used once, whatever its callback comes to. */
    Optional<State> takeState(Handle h, String tenantId, String stateHash) {
        Optional<State> state = h.createQuery("SELECT * FROM oidc_states WHERE tenant_id = :tenant "
                        + "AND state_hash = :hash FOR UPDATE")
                .bind("tenant", tenantId).bind("hash", stateHash)
                .map((rs, ctx) -> new State(rs.getString("provider_id"), rs.getString("redirect_uri"),
                        rs.getString("code_verifier"), rs.getString("nonce"), rs.getString("link_customer_id"),
                        rs.getString("binding_hash"), Database.instant(rs, "expires_at")))
                .findOne();
        state.ifPresent(found -> h.createUpdate("DELETE FROM oidc_states WHERE tenant_id = :tenant "
                        + "AND state_hash = :hash")
                .bind("tenant", tenantId).bind("hash", stateHash).execute());
        return state;
    }

    int purgeStates(Handle h, String tenantId, Instant now) {
        return h.createUpdate("DELETE FROM oidc_states WHERE tenant_id = :tenant AND expires_at <= :now")
                .bind("tenant", tenantId).bind("now", Database.ts(now)).execute();
    }

    // --- identities ---

    void insertIdentity(Handle h, String tenantId, Identity identity) {
        h.createUpdate("INSERT INTO customer_identities (tenant_id, id, customer_id, provider_id, subject, email, "
                        + "created_at, last_used_at) VALUES (:tenant, :id, :customer, :provider, :subject, :email, "
                        + ":at, :used)")
                .bind("tenant", tenantId).bind("id", identity.id()).bind("customer", identity.customerId())
                .bind("provider", identity.providerId()).bind("subject", identity.subject())
                .bind("email", identity.email()).bind("at", Database.ts(identity.createdAt()))
                .bind("used", Database.ts(identity.lastUsedAt()))
                .execute();
    }

    void markUsed(Handle h, String tenantId, String id, Instant at) {
        h.createUpdate("UPDATE customer_identities SET last_used_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).bind("at", Database.ts(at)).execute();
    }

    Optional<Identity> findIdentity(Handle h, String tenantId, String providerId, String subject) {
        return h.createQuery("SELECT * FROM customer_identities WHERE tenant_id = :tenant AND provider_id = :provider "
                        + "AND subject = :subject")
                .bind("tenant", tenantId).bind("provider", providerId).bind("subject", subject)
                .map((rs, ctx) -> identity(rs)).findOne();
    }

    /** Oldest first. */
    List<Identity> identitiesOf(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT * FROM customer_identities WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "ORDER BY created_at, id")
                .bind("tenant", tenantId).bind("customer", customerId).map((rs, ctx) -> identity(rs)).list();
    }

    /**
     * The customer's links to providers the shop has enabled: a disabled provider's link signs nobody in. The rows of
     * the providers they link to are locked first, in key order, until the caller's transaction ends, and only then
     * counted: a disable or delete of one of them under way commits before the count reads it, or waits for the
     * caller's change (the passkey or link that went because this one stays) and then leaves the account as any later
     * disable would.
     */
    int countUsableIdentities(Handle h, String tenantId, String customerId) {
        h.createQuery("SELECT id FROM identity_providers WHERE tenant_id = :tenant AND id IN (SELECT provider_id "
                        + "FROM customer_identities WHERE tenant_id = :tenant AND customer_id = :customer) "
                        + "ORDER BY id " + heldAgainstChange)
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(String.class).list();
        return h.createQuery("SELECT COUNT(*) FROM customer_identities i JOIN identity_providers p "
                        + "ON p.tenant_id = i.tenant_id AND p.id = i.provider_id "
                        + "WHERE i.tenant_id = :tenant AND i.customer_id = :customer AND p.enabled")
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(Integer.class).one();
    }

    boolean deleteIdentity(Handle h, String tenantId, String customerId, String id) {
        return h.createUpdate("DELETE FROM customer_identities WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "AND id = :id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", id).execute() == 1;
    }

    /** The erasure of a customer: their links go with the account. */
    void eraseIdentities(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM customer_identities WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }

    private static Identity identity(ResultSet rs) throws SQLException {
        return new Identity(rs.getString("id"), rs.getString("customer_id"), rs.getString("provider_id"),
                rs.getString("subject"), rs.getString("email"), Database.instant(rs, "created_at"),
                Database.instant(rs, "last_used_at"));
    }
}
