package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Permission;
import dev.latchkey.auth.Secrets;
import dev.latchkey.auth.TokenService;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Tenants, their keys and settings. Keys and settings are read on every request, so both are cached briefly. */
public final class TenantService {
    /**
     * What creating a tenant returns: the only moment the plain keys exist outside the caller; {@code setup} is what
     * the caller's setup step made in the same transaction (the first owner), or null.
     */
    public record Created<T>(Tenant tenant, String publishableKey, String secretKey, T setup) {
    }

    private final Database db;
    private final TenantStore store;
    private final SettingsValidator validator;
    private final AuditLog audit;
    private final Clock clock;
    private final Cache<String, Optional<ApiKey>> keys = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(30)).build();
    private final Cache<String, Tenant> tenants = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(30)).build();

    private final Invalidations invalidations;
    private final ActorCheck owners;
    /** Ends the impersonations a change of settings no longer allows. */
    private final TokenService tokens;

    public TenantService(Database db, TenantStore store, SettingsValidator validator, AuditLog audit, Clock clock,
                         Invalidations invalidations, ActorCheck owners, TokenService tokens) {
        this.db = db;
        this.tokens = tokens;
        this.owners = owners;
        this.store = store;
        this.validator = validator;
        this.audit = audit;
        this.clock = clock;
        this.invalidations = invalidations;
        invalidations.subscribe(this::onInvalidation);
    }

    private void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case TENANT -> tenants.invalidate(invalidation.tenantId());
            case API_KEY -> keys.invalidate(invalidation.key());
            case ALL -> {
                tenants.invalidateAll();
                keys.invalidateAll();
            }
            case SESSION, CUSTOMER -> {
                // sessions are the token service's
            }
        }
    }

    public Created<Void> create(String id, String name, ObjectNode settingsPatch) {
        return create(id, name, settingsPatch, settings -> (h, tenant) -> null);
    }

    /** A new tenant's settings: the defaults with {@code settingsPatch}, or 422 naming each bad one under settings. */
    public TenantSettings newSettings(ObjectNode settingsPatch) {
        return validator.apply(TenantSettings.DEFAULTS, settingsPatch, "settings.");
    }

    /**
     * Creates the tenant and its two keys, then runs a setup step in the same transaction: when it fails, nothing of
     * the tenant is left. {@code prepare} gets the new tenant's settings before the transaction and returns that step;
     * slow work (hashing the first owner's password) belongs in {@code prepare}, since inside the transaction it would
     * hold the new id's lock, and a concurrent creation of the same id would wait on it instead of answering 409.
     */
    public <T> Created<T> create(String id, String name, ObjectNode settingsPatch,
                                 Function<TenantSettings, BiFunction<Handle, Tenant, T>> prepare) {
        TenantSettings settings = newSettings(settingsPatch);
        BiFunction<Handle, Tenant, T> setup = prepare.apply(settings);
        var tenant = new Tenant(id, name, settings, Tenant.Status.ACTIVE, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                null);
        ApiKey.Issued publishable = ApiKey.issue(id, ApiKey.Kind.PUBLISHABLE, null, Set.of(), tenant.createdAt(), false,
                null);
        ApiKey.Issued secret = ApiKey.issue(id, ApiKey.Kind.SECRET, null, Permission.all(), tenant.createdAt(), false,
                null);
        T made;
        try {
            made = db.tx(h -> {
                store.insert(h, tenant);
                store.insertKey(h, publishable.key());
                store.insertKey(h, secret.key());
                return setup.apply(h, tenant);
            });
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiError(409, "tenant_exists", "A tenant with id '" + id + "' already exists.");
            }
            throw e;
        }
        return new Created<>(tenant, publishable.plain(), secret.plain(), made);
    }

    public Page<Tenant> list(Cursor after, int limit) {
        List<Tenant> rows = db.read(h -> store.list(h, after, limit + 1));
        return Page.of(rows, limit, Listing.TENANTS, tenant -> new Cursor(tenant.createdAt(), tenant.id()));
    }

    /** The active key with this plain value, if any. */
    public Optional<ApiKey> key(String plainKey) {
        return cached(keys, Secrets.sha256(plainKey), hash -> db.read(h -> store.findKey(h, hash)))
                .filter(ApiKey::active);
    }

    /** The tenant as stored now, for the operator (not from the cache, which another node's change may be evicting). */
    public Tenant find(String tenantId) {
        return db.read(h -> store.find(h, tenantId)).orElseThrow(() -> ApiError.notFound("Tenant"));
    }

    /**
     * Suspends or reactivates the tenant. Its credentials are checked against the cached tenant on every request, so
     * every node's copy is evicted before this returns, as for a settings change. Nothing else is touched: reactivating
     * restores every key, session and token still within its lifetime. Setting the status it has changes and records
     * nothing.
     */
    public Tenant changeStatus(String tenantId, Tenant.Status status, ClientInfo client) {
        record Change(Tenant tenant, boolean written) {
        }
        Change change = db.tx(h -> {
            Tenant current = store.findForUpdate(h, tenantId).orElseThrow(() -> ApiError.notFound("Tenant"));
            if (current.status() == status) {
                return new Change(current, false);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Instant suspendedAt = status == Tenant.Status.SUSPENDED ? now : null;
            store.updateStatus(h, tenantId, status, suspendedAt, now);
            AuditType type = status == Tenant.Status.SUSPENDED ? AuditType.TENANT_SUSPENDED
                    : AuditType.TENANT_REACTIVATED;
            audit.record(h, tenantId, null, type, client, Actor.OPERATOR.with(Map.of()));
            return new Change(new Tenant(current.id(), current.name(), current.settings(), status,
                    current.createdAt(), suspendedAt), true);
        });
        if (change.written()) {
            invalidations.publish(new Invalidation(Invalidation.Kind.TENANT, tenantId, ""));
        }
        return change.tenant();
    }

    /** The tenant, from the cache; 404 when there is none. Request guards check its status here, at no extra query. */
    public Tenant tenant(String tenantId) {
        Tenant tenant = cached(tenants, tenantId, id -> db.read(h -> store.find(h, id)).orElse(null));
        if (tenant == null) {
            throw ApiError.notFound("Tenant");
        }
        return tenant;
    }

    /** From the cache, or while this node may not cache (see {@link Invalidations#mayCache}) from the database. */
    private <V> V cached(Cache<String, V> cache, String key, Function<String, V> load) {
        return invalidations.mayCache() ? cache.get(key, load) : load.apply(key);
    }

    public TenantSettings settings(String tenantId) {
        return tenant(tenantId).settings();
    }

    /**
     * Locks the tenant's row until {@code h}'s transaction ends, for another feature's changes that must happen one at
     * a time per tenant (a count, then an insert that the count allows); 404 for no such tenant.
     */
    public void lock(Handle h, String tenantId) {
        if (!store.lock(h, tenantId)) {
            throw ApiError.notFound("Tenant");
        }
    }

    /**
     * The tenant's settings as stored, with its row locked as {@link #lock} locks it: a change of settings, which locks
     * the row too, has committed before this read or waits for {@code h}'s transaction. 404 for no such tenant.
     */
    public TenantSettings lockedSettings(Handle h, String tenantId) {
        lock(h, tenantId);
        return store.find(h, tenantId).orElseThrow(() -> ApiError.notFound("Tenant")).settings();
    }

    /**
     * Whether the tenant's key {@code keyId} is active, read in {@code h}'s transaction: after {@link #lockedSettings},
     * a revocation (which locks the tenant's row too) has committed before or waits.
     */
    public boolean keyActive(Handle h, String tenantId, String keyId) {
        return store.findKeyById(h, tenantId, keyId).map(ApiKey::active).orElse(false);
    }

    /** Every tenant's id, for jobs that work tenant by tenant. */
    public List<String> ids() {
        return db.read(store::ids);
    }

    /**
     * Lays {@code patch} over the stored settings, read under the tenant's row lock (not from the cache): two changes
     * at once each keep the other's fields. Only settings whose value changes are recorded as changed (the dashboard
     * sends them all); when none does, nothing is written. Turning {@code staff_impersonation} off ends every
     * impersonation under way with it.
     */
    public TenantSettings updateSettings(String tenantId, ObjectNode patch, Actor actor, ClientInfo client) {
        return db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            Tenant current = store.findForUpdate(h, tenantId).orElseThrow(() -> ApiError.notFound("Tenant"));
            TenantSettings next = validator.apply(current.settings(), patch, "");
            List<String> changed = validator.changed(current.settings(), next);
            if (changed.isEmpty()) {
                return current.settings();
            }
            store.updateSettings(h, tenantId, next, clock.instant());
            audit.record(h, tenantId, null, AuditType.SETTINGS_CHANGED, client, actor.with(Map.of("changed", changed)));
            Invalidation settings = new Invalidation(Invalidation.Kind.TENANT, tenantId, "");
            if (current.settings().staffImpersonation() && !next.staffImpersonation()) {
                tokens.endImpersonations(h, tenantId, null, "impersonation_disabled", actor, client, List.of(settings));
            } else {
                Database.afterCommit(h, () -> invalidations.publish(settings));
            }
            return next;
        });
    }
}
