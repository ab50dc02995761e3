package dev.latchkey.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.Permission;
import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** SQL for tenants and their API keys. */
public final class TenantStore {
    private final ObjectMapper mapper;
    private final boolean postgres;

    public TenantStore(ObjectMapper mapper, boolean postgres) {
        this.mapper = mapper;
        this.postgres = postgres;
    }

    public void insert(Handle h, Tenant tenant) {
        h.createUpdate("INSERT INTO tenants (id, name, settings, status, created_at, updated_at) "
                        + "VALUES (:id, :name, :settings, :status, :at, :at)")
                .bind("id", tenant.id())
                .bind("name", tenant.name())
                .bind("settings", write(tenant.settings()))
                .bind("status", tenant.status().wire())
                .bind("at", Database.ts(tenant.createdAt()))
                .execute();
    }

    public Optional<Tenant> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM tenants WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> tenant(rs))
                .findOne();
    }

    /** The tenant with its row locked until the transaction ends: changes of its settings queue, none is lost. */
    public Optional<Tenant> findForUpdate(Handle h, String id) {
        return h.createQuery("SELECT * FROM tenants WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map((rs, ctx) -> tenant(rs))
                .findOne();
    }

    public List<Tenant> list(Handle h, Cursor after, int limit) {
        String where = after == null ? "" : "WHERE (created_at, id) > (:at, :id) ";
        var query = h.createQuery("SELECT * FROM tenants " + where + "ORDER BY created_at, id LIMIT :limit")
                .bind("limit", limit);
        if (after != null) {
            query.bind("at", Database.ts(after.at())).bind("id", after.id());
        }
        return query.map((rs, ctx) -> tenant(rs)).list();
    }

    public List<String> ids(Handle h) {
        return h.createQuery("SELECT id FROM tenants ORDER BY id").mapTo(String.class).list();
    }

    public void updateSettings(Handle h, String tenantId, TenantSettings settings, Instant at) {
        h.createUpdate("UPDATE tenants SET settings = :settings, updated_at = :at WHERE id = :id")
                .bind("settings", write(settings))
                .bind("at", Database.ts(at))
                .bind("id", tenantId)
                .execute();
    }

    public void updateStatus(Handle h, String tenantId, Tenant.Status status, Instant suspendedAt, Instant at) {
        h.createUpdate("UPDATE tenants SET status = :status, suspended_at = :suspended, updated_at = :at WHERE id = :id")
                .bind("status", status.wire())
                .bind("suspended", Database.ts(suspendedAt))
                .bind("at", Database.ts(at))
                .bind("id", tenantId)
                .execute();
    }

    public void insertKey(Handle h, ApiKey key) {
        h.createUpdate("INSERT INTO api_keys (id, tenant_id, kind, name, key_hash, hint, created_at, "
                        + "issued_by_operator, rescues_suspension, scopes) VALUES (:id, :tenant, :kind, :name, :hash, "
                        + ":hint, :at, :byOperator, :rescues, :scopes)")
                .bind("name", key.name())
                .bind("scopes", writeScopes(key))
                .bind("rescues", Database.ts(key.rescuesSuspension()))
                .bind("byOperator", key.issuedByOperator())
                .bind("id", key.id())
                .bind("tenant", key.tenantId())
                .bind("kind", key.kind().wire())
                .bind("hash", key.keyHash())
                .bind("hint", key.hint())
                .bind("at", Database.ts(key.createdAt()))
                .execute();
    }

    /** The key with this hash, of whichever tenant: the hash is what a request presents. */
    public Optional<ApiKey> findKey(Handle h, String keyHash) {
        return h.createQuery("SELECT * FROM api_keys WHERE key_hash = :hash")
                .bind("hash", keyHash)
                .map((rs, ctx) -> apiKey(rs))
                .findOne();
    }

    public Optional<ApiKey> findKeyById(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM api_keys WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> apiKey(rs))
                .findOne();
    }

    /** The tenant's keys, revoked ones too, newest first, after {@code before} when given. */
    public List<ApiKey> listKeys(Handle h, String tenantId, Cursor before, int limit) {
        String page = before == null ? "" : " AND (created_at, id) < (:at, :id)";
        var query = h.createQuery("SELECT * FROM api_keys WHERE tenant_id = :tenant" + page
                        + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("limit", limit);
        if (before != null) {
            query.bind("at", Database.ts(before.at())).bind("id", before.id());
        }
        return query.map((rs, ctx) -> apiKey(rs)).list();
    }

    /** The tenant's active secret keys that hold every scope ({@link ApiKey#fullScope}). */
    public int activeFullScopeKeys(Handle h, String tenantId) {
        return h.createQuery("SELECT COUNT(*) FROM api_keys WHERE tenant_id = :tenant AND kind = 'secret' "
                        + "AND scopes IS NULL AND revoked_at IS NULL")
                .bind("tenant", tenantId)
                .mapTo(Integer.class).one();
    }

    public void revokeKey(Handle h, String tenantId, String id, Instant at) {
        h.createUpdate("UPDATE api_keys SET revoked_at = :at WHERE tenant_id = :tenant AND id = :id "
                        + "AND revoked_at IS NULL")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /**
     * Locks the tenant's row until the transaction ends, so that changes to its keys (or a count and the insert it
     * allows) happen one at a time; false when there is no such tenant. On PostgreSQL without the key: the other
     * locks of the row and its changes wait, but not the inserts of rows that refer to the tenant, whose foreign key
     * takes a key-share lock of it (every login's session and audit event), so that the shop goes on while a holder
     * finishes, even one storing an import's file of 20 MB. H2's foreign keys take no lock.
     */
    public boolean lock(Handle h, String tenantId) {
        return h.createQuery("SELECT id FROM tenants WHERE id = :id FOR " + (postgres ? "NO KEY UPDATE" : "UPDATE"))
                .bind("id", tenantId).mapTo(String.class).findOne().isPresent();
    }

    private static ApiKey apiKey(ResultSet rs) throws SQLException {
        ApiKey.Kind kind = ApiKey.Kind.fromWire(rs.getString("kind"));
        return new ApiKey(rs.getString("id"), rs.getString("tenant_id"), kind,
                rs.getString("name"), rs.getString("key_hash"), rs.getString("hint"), Database.instant(rs, "created_at"),
                Database.instant(rs, "revoked_at"), rs.getBoolean("issued_by_operator"),
                Database.instant(rs, "rescues_suspension"), readScopes(kind, rs.getString("scopes")));
    }

    /**
     * A key's scopes as stored: null for a publishable key and for a secret key holding every scope (which so holds
     * those a later version adds, as the owner does), else the scopes' names separated by spaces, "" for none.
     */
    private static String writeScopes(ApiKey key) {
        if (key.kind() == ApiKey.Kind.PUBLISHABLE || key.fullScope()) {
            return null;
        }
        return key.scopes().stream().map(Permission::wire).collect(Collectors.joining(" "));
    }

    private static Set<Permission> readScopes(ApiKey.Kind kind, String stored) {
        if (stored == null) {
            return kind == ApiKey.Kind.SECRET ? Permission.all() : Set.of();
        }
        // a name this version does not know (written by a later one) grants nothing here
        return Arrays.stream(stored.split(" ")).map(Permission::fromWire).flatMap(Optional::stream)
                .collect(Collectors.toSet());
    }

    private Tenant tenant(ResultSet rs) throws SQLException {
        return new Tenant(rs.getString("id"), rs.getString("name"), read(rs.getString("settings")),
                Tenant.Status.ofWire(rs.getString("status")).orElseThrow(), Database.instant(rs, "created_at"),
                Database.instant(rs, "suspended_at"));
    }

    private String write(TenantSettings settings) {
        try {
            return mapper.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("settings are plain values", e);
        }
    }

    /** Stored settings are laid over the defaults, so settings added by later versions read their default. */
    private TenantSettings read(String json) {
        try {
            var merged = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.valueToTree(TenantSettings.DEFAULTS);
            merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json));
            return mapper.treeToValue(merged, TenantSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings are not valid JSON", e);
        }
    }
}
