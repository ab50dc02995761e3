package dev.latchkey.oidc;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** The merchant's view of a customer's linked provider accounts, and support's unlink. */
final class CustomerIdentityRoutes {
    private final Guard guard;
    private final SocialLoginService login;
    private final Requests requests;

    CustomerIdentityRoutes(Guard guard, SocialLoginService login, Requests requests) {
        this.guard = guard;
        this.login = login;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/customers/{id}/identities", this::list);
        routes.delete("/v1/admin/customers/{id}/identities/{iid}", this::unlink);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        String id = Identifiers.pathId(ctx, "id", "Customer");
        ctx.json(Map.of("data", login.identitiesForMerchant(tenantId, id)));
    }

    private void unlink(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        String identityId = Identifiers.pathId(ctx, "iid", "Identity");
        login.unlinkByMerchant(admin.tenantId(), id, identityId, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }
}
