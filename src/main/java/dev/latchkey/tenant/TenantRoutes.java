package dev.latchkey.tenant;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import dev.latchkey.staff.StaffInput;
import dev.latchkey.staff.StaffService;
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
    private final ApiKeyService keys;
    private final StaffService staff;
    private final Requests requests;

    public TenantRoutes(Guard guard, TenantService tenants, ApiKeyService keys, StaffService staff,
                        Requests requests) {
        this.guard = guard;
        this.tenants = tenants;
        this.keys = keys;
        this.staff = staff;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/platform/tenants", this::create);
        routes.get("/v1/platform/tenants", this::list);
        routes.get("/v1/platform/tenants/{id}", this::get);
        routes.patch("/v1/platform/tenants/{id}", this::changeStatus);
        routes.post("/v1/platform/tenants/{id}/secret-keys", this::issueSecretKey);
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
        String name = in.requiredLine("name", 200);
        var settings = in.object("settings").orElse(requests.mapper().createObjectNode());
        StaffService.NewStaff owner = owner(in);
        checkSettingsAndOwnerPassword(in, settings, owner);
        in.validate();
        ClientInfo client = requests.client(ctx);
        var created = tenants.create(id, name, settings, tenantSettings -> {
            if (owner == null) {
                return (h, tenant) -> null;
            }
            StaffService.Prepared first = staff.prepare(tenantSettings, owner, "owner.password");
            return (h, tenant) -> staff.insert(h, tenant.id(), first, client);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", created.tenant());
        body.put("publishable_key", created.publishableKey());
        body.put("secret_key", created.secretKey());
        if (created.setup() != null) {
            body.put("owner", created.setup());
        }
        ctx.status(201).json(body);
    }

    /**
     * The settings and the owner's password are checked with the fields, so that one answer names every bad field. The
     * password policy depends on the settings: while they are refused, it is the default policy's verdict.
     */
    private void checkSettingsAndOwnerPassword(JsonInput in, ObjectNode settings, StaffService.NewStaff owner) {
        TenantSettings checked = TenantSettings.DEFAULTS;
        try {
            checked = tenants.newSettings(settings);
        } catch (ApiError refused) {
            refused.errors().forEach(error -> in.reject(error.field(), error.code(), error.message()));
        }
        if (owner != null && owner.password() != null) {
            staff.passwordProblem("owner.password", owner.password(), owner.email(), checked)
                    .ifPresent(error -> in.reject(error.field(), error.code(), error.message()));
        }
    }

    /** The optional first owner of the dashboard: {@code {"email", "password"}}, errors named under {@code owner.}. */
    private static StaffService.NewStaff owner(JsonInput in) {
        return in.object("owner").map(node -> {
            JsonInput nested = JsonInput.of(node);
            StaffService.NewStaff owner = StaffInput.read(nested, AdminPrincipal.Role.OWNER);
            in.adopt("owner.", nested);
            return owner;
        }).orElse(null);
    }

    private void list(Context ctx) {
        guard.platform(ctx);
        Paging paging = Paging.from(ctx, Listing.TENANTS);
        ctx.json(tenants.list(paging.cursor(), paging.limit()));
    }

    private void get(Context ctx) {
        guard.platform(ctx);
        ctx.json(tenants.find(Identifiers.pathId(ctx, "id", "Tenant")));
    }

    /** {@code {"status": "suspended" | "active"}}: suspends the tenant's every credential, or restores them. */
    private void changeStatus(Context ctx) {
        guard.platform(ctx);
        String tenantId = Identifiers.pathId(ctx, "id", "Tenant");
        JsonInput in = requests.body(ctx);
        String raw = in.required("status", 32);
        Tenant.Status status = raw == null ? null : Tenant.Status.ofWire(raw).orElse(null);
        if (raw != null && status == null) {
            in.reject("status", "invalid", "status must be active or suspended.");
        }
        in.validate();
        ctx.json(tenants.changeStatus(tenantId, status, requests.client(ctx)));
    }

    /**
     * A new secret key for the merchant, shown once: after an incident the operator hands it over, and the merchant
     * revokes the other keys and resets staff passwords with it.
     */
    private void issueSecretKey(Context ctx) {
        guard.platform(ctx);
        String tenantId = Identifiers.pathId(ctx, "id", "Tenant");
        ApiKey.Issued issued = keys.rescue(tenantId, requests.client(ctx));
        ObjectNode body = requests.mapper().valueToTree(ApiKeyRoutes.View.of(issued.key()));
        body.put("secret_key", issued.plain());
        ctx.status(201).json(body);
    }

    private void settings(Context ctx) {
        ctx.json(tenants.settings(guard.admin(ctx, Permission.MANAGE_SETTINGS).tenantId()));
    }

    private void updateSettings(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_SETTINGS);
        JsonInput in = requests.body(ctx);
        ctx.json(tenants.updateSettings(key.tenantId(), in.raw(), key.actor(), requests.client(ctx)));
    }
}
