package dev.latchkey.oidc;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The merchant's identity providers for social login: list, create, read, change, delete. Never the secret. */
final class IdentityProviderRoutes {
    /** The API's view of a provider: never its client secret. */
    record View(String id, String slug, String displayName, String issuer, String clientId, List<String> scopes,
                boolean enabled, Instant createdAt, Instant updatedAt) {
        static View of(IdentityProvider p) {
            return new View(p.id(), p.slug(), p.displayName(), p.issuer(), p.clientId(), p.scopes(), p.enabled(),
                    p.createdAt(), p.updatedAt());
        }
    }

    private final Guard guard;
    private final IdentityProviderService providers;
    private final ProviderInput input;
    private final Requests requests;

    IdentityProviderRoutes(Guard guard, IdentityProviderService providers, ProviderInput input, Requests requests) {
        this.guard = guard;
        this.providers = providers;
        this.input = input;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/identity-providers", this::list);
        routes.post("/v1/admin/identity-providers", this::create);
        routes.get("/v1/admin/identity-providers/{id}", this::get);
        routes.patch("/v1/admin/identity-providers/{id}", this::update);
        routes.delete("/v1/admin/identity-providers/{id}", this::delete);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_SETTINGS).tenantId();
        ctx.json(Map.of("data", providers.list(tenantId).stream().map(View::of).toList()));
    }

    private void create(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        var fields = input.read(requests.body(ctx), true);
        ctx.status(201).json(View.of(providers.create(admin.tenantId(), fields, admin.actor(),
                requests.client(ctx))));
    }

    private void get(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_SETTINGS).tenantId();
        ctx.json(View.of(providers.get(tenantId, providerId(ctx))));
    }

    private void update(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        String id = providerId(ctx);
        var fields = input.read(requests.body(ctx), false);
        ctx.json(View.of(providers.update(admin.tenantId(), id, fields, admin.actor(), requests.client(ctx))));
    }

    private void delete(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        providers.delete(admin.tenantId(), providerId(ctx), admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    private static String providerId(Context ctx) {
        return Identifiers.pathId(ctx, "id", "Identity provider");
    }
}
