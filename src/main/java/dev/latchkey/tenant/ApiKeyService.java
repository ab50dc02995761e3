package dev.latchkey.tenant;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The merchant's API keys: another publishable or secret key (to roll one without downtime), and revocation, which
 * every node honours on the next request. The tenant always keeps one active secret key, or nobody could manage it.
 */
public final class ApiKeyService {
    private final Database db;
    private final TenantStore store;
    private final AuditLog audit;
    private final Invalidations invalidations;
    private final Clock clock;
    private final ActorCheck owners;

    public ApiKeyService(Database db, TenantStore store, AuditLog audit, Invalidations invalidations, Clock clock,
                         ActorCheck owners) {
        this.db = db;
        this.owners = owners;
        this.store = store;
        this.audit = audit;
        this.invalidations = invalidations;
        this.clock = clock;
    }

    public Page<ApiKey> list(String tenantId, Cursor before, int limit) {
        List<ApiKey> rows = db.read(h -> store.listKeys(h, tenantId, before, limit + 1));
        return Page.of(rows, limit, Listing.API_KEYS, last -> new Cursor(last.createdAt(), last.id()));
    }

    /** A new key of the tenant, by the merchant or by the operator ({@link Actor#OPERATOR}); 404 for no such tenant. */
    public ApiKey.Issued create(String tenantId, ApiKey.Kind kind, String name, Actor actor, ClientInfo client) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        boolean byOperator = actor.equals(Actor.OPERATOR);
        return db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            Tenant tenant = store.findForUpdate(h, tenantId).orElseThrow(() -> ApiError.notFound("Tenant"));
            // the operator's key during a suspension is that suspension's, read under the lock a status change takes
            ApiKey.Issued issued = ApiKey.issue(tenantId, kind, name, now, byOperator,
                    byOperator ? tenant.suspendedAt() : null);
            store.insertKey(h, issued.key());
            audit.record(h, tenantId, null, AuditType.API_KEY_CREATED, client, actor.with(details(issued.key())));
            return issued;
        });
    }

    /**
     * Revokes the key at once: the key cache of every node forgets it before this returns. A key already revoked stays
     * so (nothing happens); another tenant's key is not found; the last active secret key answers 409
     * {@code last_secret_key}.
     */
    public void revoke(String tenantId, String keyId, Actor actor, ClientInfo client) {
        ApiKey revoked = db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            store.lock(h, tenantId);
            ApiKey key = store.findKeyById(h, tenantId, keyId).orElseThrow(() -> ApiError.notFound("API key"));
            if (!key.active()) {
                return null;
            }
            if (key.kind() == ApiKey.Kind.SECRET && store.activeKeys(h, tenantId, ApiKey.Kind.SECRET) <= 1) {
                throw new ApiError(409, "last_secret_key",
                        "This is the tenant's last active secret key; create another one before revoking it.");
            }
            store.revokeKey(h, tenantId, keyId, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            audit.record(h, tenantId, null, AuditType.API_KEY_REVOKED, client, actor.with(details(key)));
            return key;
        });
        if (revoked != null) {
            // The key cache is keyed by the key's hash.
            invalidations.publish(new Invalidation(Invalidation.Kind.API_KEY, tenantId, revoked.keyHash()));
        }
    }

    private static Map<String, Object> details(ApiKey key) {
        return Map.of("key_id", key.id(), "kind", key.kind().wire(), "hint", key.hint());
    }
}
