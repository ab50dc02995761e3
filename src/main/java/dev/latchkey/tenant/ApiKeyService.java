package dev.latchkey.tenant;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import dev.latchkey.auth.TokenService;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merchant's API keys: another publishable or secret key (to roll one without downtime, or one holding fewer
 * scopes for a back end that needs fewer), and revocation, which every node honours on the next request. The tenant
 * always keeps one active secret key holding every scope, or nobody could manage it all.
 */
public final class ApiKeyService {
    private final Database db;
    private final TenantStore store;
    private final AuditLog audit;
    /** Ends a revoked key's impersonations and publishes the revocation with them. */
    private final TokenService tokens;
    private final Clock clock;
    private final ActorCheck owners;

    public ApiKeyService(Database db, TenantStore store, AuditLog audit, TokenService tokens, Clock clock,
                         ActorCheck owners) {
        this.db = db;
        this.owners = owners;
        this.store = store;
        this.audit = audit;
        this.tokens = tokens;
        this.clock = clock;
    }

    public Page<ApiKey> list(String tenantId, Cursor before, int limit) {
        List<ApiKey> rows = db.read(h -> store.listKeys(h, tenantId, before, limit + 1));
        return Page.of(rows, limit, Listing.API_KEYS, last -> new Cursor(last.createdAt(), last.id()));
    }

    /**
     * What a new key is to be: its kind, its name (or null) and the admin permissions it holds (none for a publishable
     * key).
     */
    public record NewKey(ApiKey.Kind kind, String name, Set<Permission> scopes) {
        public NewKey {
            scopes = Permission.copyOf(scopes);
            if (kind == ApiKey.Kind.PUBLISHABLE && !scopes.isEmpty()) {
                throw new IllegalArgumentException("a publishable key opens no admin route, so holds no scope");
            }
        }
    }

    /**
     * A new key made by the merchant. It holds no scope its creator lacks: a key allowed to make keys could otherwise
     * make itself a broader one (403 {@code insufficient_scope}, nothing written).
     */
    public ApiKey.Issued create(AdminPrincipal creator, NewKey key, ClientInfo client) {
        List<String> missing = key.scopes().stream().filter(scope -> !creator.can(scope)).map(Permission::wire)
                .toList();
        if (!missing.isEmpty()) {
            throw ApiError.insufficientScope("A key cannot hold scopes its creator lacks: " + String.join(", ", missing)
                    + ".");
        }
        return create(creator.tenantId(), key, creator.actor(), client);
    }

    /**
     * A secret key holding every scope, which the operator hands to the merchant after an incident; 404 for no such
     * tenant.
     */
    public ApiKey.Issued rescue(String tenantId, ClientInfo client) {
        return create(tenantId, new NewKey(ApiKey.Kind.SECRET, null, Permission.all()), Actor.OPERATOR, client);
    }

    private ApiKey.Issued create(String tenantId, NewKey key, Actor actor, ClientInfo client) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        boolean byOperator = actor.equals(Actor.OPERATOR);
        return db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            Tenant tenant = store.findForUpdate(h, tenantId).orElseThrow(() -> ApiError.notFound("Tenant"));
            // the operator's key during a suspension is that suspension's, read under the lock a status change takes
            ApiKey.Issued issued = ApiKey.issue(tenantId, key.kind(), key.name(), key.scopes(), now, byOperator,
                    byOperator ? tenant.suspendedAt() : null);
            store.insertKey(h, issued.key());
            Map<String, Object> details = new LinkedHashMap<>(details(issued.key()));
            details.put("scopes", wire(issued.key().scopes()));
            audit.record(h, tenantId, null, AuditType.API_KEY_CREATED, client, actor.with(details));
            return issued;
        });
    }

    /**
     * Revokes the key at once: the key cache of every node forgets it before this returns, and the impersonations the
     * key started end with it (recorded as {@code session.revoked}, reason {@code api_key_revoked}). A key already
     * revoked stays so (nothing happens); another tenant's key is not found; a key holding scopes the caller lacks is
     * refused (403); the last active secret key holding every scope answers 409 {@code last_secret_key}.
     */
    public void revoke(AdminPrincipal who, String keyId, ClientInfo client) {
        String tenantId = who.tenantId();
        Actor actor = who.actor();
        db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            store.lock(h, tenantId);
            ApiKey key = store.findKeyById(h, tenantId, keyId).orElseThrow(() -> ApiError.notFound("API key"));
            if (!key.active()) {
                return null;
            }
            if (!who.canAll(key.scopes())) {
                // a narrow key could otherwise take the shop's broader keys from it
                throw ApiError.insufficientScope("A key cannot revoke a key holding scopes it lacks.");
            }
            if (key.fullScope() && store.activeFullScopeKeys(h, tenantId) <= 1) {
                throw new ApiError(409, "last_secret_key", "This is the tenant's last active secret key holding "
                        + "every scope; create another one before revoking it.");
            }
            store.revokeKey(h, tenantId, keyId, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            audit.record(h, tenantId, null, AuditType.API_KEY_REVOKED, client, actor.with(details(key)));
            // the key cache is keyed by the key's hash; the key's impersonations end with it, published together
            tokens.endImpersonations(h, tenantId, keyId, "api_key_revoked", actor, client,
                    List.of(new Invalidation(Invalidation.Kind.API_KEY, tenantId, key.keyHash())));
            return null;
        });
    }

    private static Map<String, Object> details(ApiKey key) {
        return Map.of("key_id", key.id(), "kind", key.kind().wire(), "hint", key.hint());
    }

    /** The scopes as the API names them, in the order {@link Permission} declares them. */
    public static List<String> wire(Set<Permission> scopes) {
        return scopes.stream().map(Permission::wire).toList();
    }
}
