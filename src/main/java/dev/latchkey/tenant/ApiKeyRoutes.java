package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.Arrays;

/** The merchant's API keys: list (never the keys themselves), create one (shown once), revoke one. */
public final class ApiKeyRoutes {
    /**
     * The API's view of a key: which kind, its name, its last four characters, its dates and whether the operator
     * issued it (which a name cannot fake); never the key.
     */
    record View(String id, String kind, String name, String hint, Instant createdAt, Instant revokedAt,
                boolean issuedByOperator) {
        static View of(ApiKey key) {
            return new View(key.id(), key.kind().wire(), key.name(), key.hint(), key.createdAt(), key.revokedAt(),
                    key.issuedByOperator());
        }
    }

    private final Guard guard;
    private final ApiKeyService keys;
    private final Requests requests;

    public ApiKeyRoutes(Guard guard, ApiKeyService keys, Requests requests) {
        this.guard = guard;
        this.keys = keys;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/api-keys", this::list);
        routes.post("/v1/admin/api-keys", this::create);
        routes.delete("/v1/admin/api-keys/{id}", this::revoke);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_API_KEYS).tenantId();
        Paging paging = Paging.from(ctx, Listing.API_KEYS);
        ctx.json(keys.list(tenantId, paging.cursor(), paging.limit()).map(View::of));
    }

    private void create(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_API_KEYS);
        JsonInput in = requests.body(ctx);
        String rawKind = in.required("kind", 32);
        ApiKey.Kind kind = Arrays.stream(ApiKey.Kind.values()).filter(k -> k.wire().equals(rawKind)).findFirst()
                .orElse(null);
        if (rawKind != null && kind == null) {
            in.reject("kind", "invalid", "kind must be publishable or secret.");
        }
        String name = in.line("name", ApiKey.MAX_NAME).orElse(null);
        in.validate();
        ApiKey.Issued issued = keys.create(admin.tenantId(), kind, name, admin.actor(), requests.client(ctx));
        ObjectNode body = requests.mapper().valueToTree(View.of(issued.key()));
        body.put("key", issued.plain());
        ctx.status(201).json(body);
    }

    private void revoke(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_API_KEYS);
        String keyId = Identifiers.pathId(ctx, "id", "API key");
        keys.revoke(admin.tenantId(), keyId, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }
}
