package dev.latchkey.oidc;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** The merchant's identity providers for social login: list, create, read, change, delete. Never the secret. */
final class IdentityProviderRoutes {
    private final Guard guard;
    private final MerchantSocialLogin merchant;
    private final Requests requests;

    IdentityProviderRoutes(Guard guard, MerchantSocialLogin merchant, Requests requests) {
        this.guard = guard;
        this.merchant = merchant;
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
        ctx.json(Map.of("data", merchant.providers(tenantId)));
    }

    private void create(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        ctx.status(201).json(merchant.create(admin.tenantId(), requests.body(ctx), admin.actor(),
                requests.client(ctx)));
    }

    private void get(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_SETTINGS).tenantId();
        ctx.json(merchant.provider(tenantId, providerId(ctx)));
    }

    private void update(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        String id = providerId(ctx);
        ctx.json(merchant.update(admin.tenantId(), id, requests.body(ctx), admin.actor(), requests.client(ctx)));
    }

    private void delete(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        merchant.delete(admin.tenantId(), providerId(ctx), admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    private static String providerId(Context ctx) {
        return Identifiers.pathId(ctx, "id", "Identity provider");
    }
}
