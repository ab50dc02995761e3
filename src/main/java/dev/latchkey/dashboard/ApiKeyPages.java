package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The owner's API keys: the list (only the last characters of each key are known) with each key's scopes, a new
 * publishable or secret key (holding the scopes ticked) shown exactly once on the answer to its form, and revocation,
 * which applies on the next request. A secret key may be the whole shop: the page opens and acts only in a session
 * confirmed lately ({@link GuardedPage}).
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
        Set<Permission> scopes = kind == ApiKey.Kind.SECRET ? scopes(ctx.formParams("scopes")) : Set.of();
        var created = apiKeys.create(session.principal(), new ApiKeyService.NewKey(kind, name, scopes),
                requests.client(ctx));
        show(ctx, session, 201, created);
    }

    /**
     * The boxes ticked. The form sends an empty {@code scopes} before its boxes, so that a form with none ticked (a key
     * for the storefront only) is told from a post without the choice, which makes a key holding every scope.
     */
    private static Set<Permission> scopes(List<String> ticked) {
        if (ticked.isEmpty()) {
            return Permission.all();
        }
        Set<Permission> scopes = EnumSet.noneOf(Permission.class);
        for (String wire : ticked) {
            if (!wire.isEmpty()) {
                scopes.add(Permission.fromWire(wire).orElseThrow(() -> new ApiError(422, "validation_failed",
                        "Choose the scopes among those listed.")));
            }
        }
        return scopes;
    }

    /** A key's scopes as the list shows them: "all", "none" or the scopes' names. */
    public static String scopes(ApiKey key) {
        if (key.kind() == ApiKey.Kind.PUBLISHABLE) {
            return "—";
        }
        if (key.fullScope()) {
            return "all";
        }
        if (key.scopes().isEmpty()) {
            return "none (storefront only)";
        }
        return key.scopes().stream().map(scope -> Show.words(scope.wire())).collect(Collectors.joining(", "));
    }

    private void revoke(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.API_KEYS);
        apiKeys.revoke(session.principal(), ctx.pathParam("id"), requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/api-keys?notice=" + Notice.KEY_REVOKED.wire());
    }
}
