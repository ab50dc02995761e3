package dev.latchkey.dashboard;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Requests;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.http.Page;
import dev.latchkey.tenant.ApiKeyService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Arrays;
import java.util.List;

/**
 * The owner's API keys: the list (only the last characters of each key are known), a new publishable or secret key
 * shown exactly once on the answer to its form, and revocation, which applies on the next request. A secret key is the
 * whole shop: the page opens and acts only in a session confirmed lately ({@link GuardedPage}).
 */
public final class ApiKeyPages {
    /** {@code created} is the key just made, shown once, or null; {@code nextUrl} the next page of keys, or null. */
    public record ApiKeysPage(Frame frame, List<ApiKey> keys, String nextUrl, ApiKey.Issued created) {
    }

    /** Every rotation leaves a revoked key behind, so the list is paged, newest first. */
    private static final int PAGE_SIZE = 50;

    private final Dashboard dashboard;
    private final ApiKeyService apiKeys;
    private final Requests requests;

    ApiKeyPages(Dashboard dashboard, ApiKeyService apiKeys, Requests requests) {
        this.dashboard = dashboard;
        this.apiKeys = apiKeys;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/api-keys", dashboard.page(this::list));
        routes.post("/dashboard/api-keys", dashboard.page(this::create));
        routes.post("/dashboard/api-keys/{id}/revoke", dashboard.page(this::revoke));
    }

    private void list(Context ctx) {
        show(ctx, dashboard.requireConfirmed(ctx, GuardedPage.API_KEYS), 200, null);
    }

    private void show(Context ctx, DashboardSession session, int status, ApiKey.Issued created) {
        Page<ApiKey> keys = apiKeys.list(session.principal().tenantId(), Dashboard.cursor(ctx, Listing.API_KEYS), PAGE_SIZE);
        dashboard.render(ctx, status, "apikeys.jte", new ApiKeysPage(
                dashboard.frame(ctx, session, "API keys", "api-keys"), keys.data(),
                Dashboard.nextUrl("/dashboard/api-keys", keys), created));
    }

    /** Answers with the page itself (not a redirect): the new key exists in plain only in this answer. */
    private void create(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.API_KEYS);
        String raw = ctx.formParam("kind");
        ApiKey.Kind kind = Arrays.stream(ApiKey.Kind.values()).filter(k -> k.wire().equals(raw)).findFirst()
                .orElseThrow(() -> new ApiError(422, "validation_failed", "Choose a publishable or a secret key."));
        var body = requests.mapper().createObjectNode().put("name", ctx.formParam("name"));
        JsonInput in = JsonInput.of(body);
        String name = in.line("name", ApiKey.MAX_NAME).orElse(null);
        in.validate();
        var created = apiKeys.create(session.principal().tenantId(), kind, name, session.principal().actor(),
                requests.client(ctx));
        show(ctx, session, 201, created);
    }

    private void revoke(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.API_KEYS);
        apiKeys.revoke(session.principal().tenantId(), ctx.pathParam("id"), session.principal().actor(),
                requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/api-keys?notice=" + Notice.KEY_REVOKED.wire());
    }
}
