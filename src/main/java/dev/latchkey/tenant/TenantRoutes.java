package dev.latchkey.tenant;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The operator's tenant routes and the merchant's settings routes. */
public final class TenantRoutes {
    private static final Pattern TENANT_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");

    private final Guard guard;
    private final TenantService tenants;
    private final Requests requests;

    public TenantRoutes(Guard guard, TenantService tenants, Requests requests) {
        this.guard = guard;
        this.tenants = tenants;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/platform/tenants", this::create);
        routes.get("/v1/platform/tenants", this::list);
        routes.get("/v1/admin/settings", this::settings);
        routes.patch("/v1/admin/settings", this::updateSettings);
    }

    private void create(Context ctx) {
        guard.platform(ctx);
        JsonInput in = requests.body(ctx);
        String id = in.required("id", 64);
        if (id != null && !TENANT_ID.matcher(id).matches()) {
            in.reject("id", "invalid", "id must be 2-64 lower-case letters, digits or hyphens, starting with a letter or digit.");
        }
        String name = in.required("name", 200);
        var settings = in.object("settings").orElse(requests.mapper().createObjectNode());
        in.validate();
        var created = tenants.create(id, name.trim(), settings);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", created.tenant());
        body.put("publishable_key", created.publishableKey());
        body.put("secret_key", created.secretKey());
        ctx.status(201).json(body);
    }

    private void list(Context ctx) {
        guard.platform(ctx);
        Paging paging = Paging.from(ctx);
        ctx.json(tenants.list(paging.cursor(), paging.limit()));
    }

    private void settings(Context ctx) {
        ctx.json(tenants.settings(guard.admin(ctx, Permission.MANAGE_SETTINGS).tenantId()));
    }

    private void updateSettings(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        JsonInput in = requests.body(ctx);
        ctx.json(tenants.updateSettings(key.tenantId(), in.raw(), requests.client(ctx)));
    }
}
