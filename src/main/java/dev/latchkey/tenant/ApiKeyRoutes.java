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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The merchant's API keys: list (never the keys themselves), create one (shown once), with fewer scopes if asked,
 * revoke one.
 */
public final class ApiKeyRoutes {
    /**
     * The API's view of a key: which kind, its name, its last four characters, its dates, whether the operator issued
     * it (which a name cannot fake) and its scopes; never the key.
     */
    record View(String id, String kind, String name, String hint, Instant createdAt, Instant revokedAt,
                boolean issuedByOperator, List<String> scopes) {
        static View of(ApiKey key) {
            return new View(key.id(), key.kind().wire(), key.name(), key.hint(), key.createdAt(), key.revokedAt(),
                    key.issuedByOperator(), ApiKeyService.wire(key.scopes()));
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
        Set<Permission> scopes = scopes(in, kind);
        in.validate();
        ApiKey.Issued issued = keys.create(admin, new ApiKeyService.NewKey(kind, name, scopes), requests.client(ctx));
        ObjectNode body = requests.mapper().valueToTree(View.of(issued.key()));
        body.put("key", issued.plain());
        ctx.status(201).json(body);
    }

    /**
     * The scopes asked for: left out (or null), every permission for a secret key and none for a publishable one;
     * else distinct scope names, which only a secret key takes.
     */
    private static Set<Permission> scopes(JsonInput in, ApiKey.Kind kind) {
        if (!in.given("scopes")) {
            return kind == ApiKey.Kind.SECRET ? Permission.all() : Set.of();
        }
        if (kind == ApiKey.Kind.PUBLISHABLE) {
            in.reject("scopes", "invalid", "Only a secret key takes scopes: a publishable key opens no admin route.");
            return Set.of();
        }
        return in.distinctNames("scopes", Permission.class, Permission::fromWire, Arrays.stream(Permission.values())
                .map(Permission::wire).collect(Collectors.joining(", "))).orElse(Set.of());
    }

    private void revoke(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_API_KEYS);
        String keyId = Identifiers.pathId(ctx, "id", "API key");
        keys.revoke(admin, keyId, requests.client(ctx));
        ctx.status(204);
    }
}
