package dev.latchkey.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for tenants and their API keys. */
public final class TenantStore {
    private final ObjectMapper mapper;

    public TenantStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void insert(Handle h, Tenant tenant) {
        h.createUpdate("INSERT INTO tenants (id, name, settings, created_at, updated_at) "
                        + "VALUES (:id, :name, :settings, :at, :at)")
                .bind("id", tenant.id())
                .bind("name", tenant.name())
                .bind("settings", write(tenant.settings()))
                .bind("at", Database.ts(tenant.createdAt()))
                .execute();
    }

    public Optional<Tenant> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM tenants WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> tenant(rs))
                .findOne();
    }

    public List<Tenant> list(Handle h, Cursor after, int limit) {
        String where = after == null ? "" : "WHERE (created_at > :at OR (created_at = :at AND id > :id)) ";
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

    public void insertKey(Handle h, ApiKey key) {
        h.createUpdate("INSERT INTO api_keys (id, tenant_id, kind, key_hash, hint, created_at) "
                        + "VALUES (:id, :tenant, :kind, :hash, :hint, :at)")
                .bind("id", key.id())
                .bind("tenant", key.tenantId())
                .bind("kind", key.kind().wire())
                .bind("hash", key.keyHash())
                .bind("hint", key.hint())
                .bind("at", Database.ts(key.createdAt()))
                .execute();
    }

    public Optional<ApiKey> findKey(Handle h, String keyHash) {
        return h.createQuery("SELECT * FROM api_keys WHERE key_hash = :hash")
                .bind("hash", keyHash)
                .map((rs, ctx) -> apiKey(rs))
                .findOne();
    }

    /** The dashboard's key list: every key of the tenant, revoked ones too, newest first. */
    public List<ApiKey> listKeysForDashboard(Handle h, String tenantId) {
        return h.createQuery("SELECT * FROM api_keys WHERE tenant_id = :tenant ORDER BY created_at DESC, id DESC")
                .bind("tenant", tenantId)
                .map((rs, ctx) -> apiKey(rs)).list();
    }

    /** The tenant's active keys, locked: a revocation is decided against keys nobody else revokes meanwhile. */
    public List<ApiKey> lockActiveKeysForDashboard(Handle h, String tenantId) {
        return h.createQuery("SELECT * FROM api_keys WHERE tenant_id = :tenant AND revoked_at IS NULL FOR UPDATE")
                .bind("tenant", tenantId)
                .map((rs, ctx) -> apiKey(rs)).list();
    }

    public void revokeKeyForDashboard(Handle h, String tenantId, String id, Instant at) {
        h.createUpdate("UPDATE api_keys SET revoked_at = :at WHERE tenant_id = :tenant AND id = :id "
                        + "AND revoked_at IS NULL")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id).execute();
    }

    private static ApiKey apiKey(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("tenant_id"), ApiKey.Kind.fromWire(rs.getString("kind")),
                rs.getString("key_hash"), rs.getString("hint"), Database.instant(rs, "created_at"),
                Database.instant(rs, "revoked_at"));
    }

    private Tenant tenant(ResultSet rs) throws SQLException {
        return new Tenant(rs.getString("id"), rs.getString("name"), read(rs.getString("settings")),
                Database.instant(rs, "created_at"));
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
