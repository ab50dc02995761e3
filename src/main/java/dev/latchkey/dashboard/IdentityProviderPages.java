package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Text;
import dev.latchkey.oidc.IdentityProviderView;
import dev.latchkey.oidc.MerchantSocialLogin;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;
import java.util.Objects;

/**
 * The owner's sign-in providers (social login, see the admin API's {@code /v1/admin/identity-providers}): the list
 * with what to register at a provider, a new one, one provider's page with a change of its fields, enabling,
 * disabling and deletion. Open to whoever holds the permission those routes ask, {@code manage_settings}. The forms are
 * read by the admin API's own rules; what they refuse (a field, a taken slug, the issuer of a provider in use, the
 * shop's limit) is shown with the form and nothing changes. The provider authenticates with a client secret or with an
 * Apple signing key, as the form's choice says; the fields of the other are not sent. The secret and the key's private
 * half are write-only: never shown back, not even in a refused form, and left blank on a change they stay as they are.
 */
public final class IdentityProviderPages {
    static final String PATH = "/dashboard/identity-providers";
    private static final List<String> TEXT_FIELDS = List.of("slug", "display_name", "issuer", "client_id");
    private static final List<String> APPLE_IDS = List.of("apple_team_id", "apple_key_id");
    /** The form's choice of how the provider authenticates, {@code client_secret} otherwise. */
    private static final String APPLE_KEY = "apple_key";

    /**
     * A provider's form as shown: its values (never the secret nor the private key), whether it authenticates with an
     * Apple signing key, whether a new one is enabled, the refusals next to their fields and {@code problem}, a refusal
     * of the whole form (the shop's limit), or null.
     */
    public record ProviderForm(String slug, String displayName, String issuer, String clientId, boolean appleKey,
                               String appleTeamId, String appleKeyId, String scopes, boolean enabled,
                               List<FieldError> errors, String problem) {
        static final ProviderForm BLANK = new ProviderForm("", "", "", "", false, "", "", "", true, List.of(), null);

        static ProviderForm of(IdentityProviderView provider) {
            return new ProviderForm(provider.slug(), provider.displayName(), provider.issuer(), provider.clientId(),
                    provider.applePrivateKeySet(), Objects.requireNonNullElse(provider.appleTeamId(), ""),
                    Objects.requireNonNullElse(provider.appleKeyId(), ""), String.join(" ", provider.scopes()),
                    provider.enabled(), List.of(), null);
        }

        public String errorFor(String field) {
            return FieldError.messageFor(errors, field);
        }

        public boolean refused() {
            return !errors.isEmpty() || problem != null;
        }
    }

    /** The list, the form for a new provider, and the origins a provider's redirect URI may be on. */
    public record ProvidersPage(Frame frame, List<IdentityProviderView> providers, ProviderForm form,
                                List<String> allowedOrigins, String defaultScopes) {
    }

    public record ProviderPage(Frame frame, IdentityProviderView provider, ProviderForm form) {
    }

    private final Dashboard dashboard;
    private final MerchantSocialLogin merchant;
    private final TenantService tenants;
    private final Requests requests;

    IdentityProviderPages(Dashboard dashboard, MerchantSocialLogin merchant, TenantService tenants,
                          Requests requests) {
        this.dashboard = dashboard;
        this.merchant = merchant;
        this.tenants = tenants;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(PATH, dashboard.page(ctx -> showList(ctx,
                Dashboard.permit(dashboard.require(ctx), Permission.MANAGE_SETTINGS), 200, ProviderForm.BLANK)));
        routes.post(PATH, dashboard.page(this::create));
        routes.get(PATH + "/{id}", dashboard.page(this::detail));
        routes.post(PATH + "/{id}", dashboard.page(this::change));
        routes.post(PATH + "/{id}/enable", dashboard.page(ctx ->
                setEnabled(ctx, true, Notice.IDENTITY_PROVIDER_ENABLED)));
        routes.post(PATH + "/{id}/disable", dashboard.page(ctx ->
                setEnabled(ctx, false, Notice.IDENTITY_PROVIDER_DISABLED)));
        routes.post(PATH + "/{id}/delete", dashboard.page(this::delete));
    }

    private void showList(Context ctx, DashboardSession session, int status, ProviderForm form) {
        String tenantId = session.principal().tenantId();
        dashboard.render(ctx, status, "identity-providers.jte", new ProvidersPage(
                dashboard.frame(ctx, session, "Sign-in providers", "identity-providers"), merchant.providers(tenantId),
                form, tenants.settings(tenantId).allowedOrigins(),
                String.join(" ", MerchantSocialLogin.DEFAULT_SCOPES)));
    }

    private void showOne(Context ctx, DashboardSession session, int status, IdentityProviderView provider,
                         ProviderForm form) {
        dashboard.render(ctx, status, "identity-provider.jte", new ProviderPage(
                dashboard.frame(ctx, session, provider.displayName(), "identity-providers"), provider, form));
    }

    private void create(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.MANAGE_SETTINGS);
        boolean enabled = "on".equals(ctx.formParam("enabled"));
        ObjectNode body = body(ctx, null).put("enabled", enabled);
        try {
            merchant.create(session.principal().tenantId(), JsonInput.of(body), session.principal().actor(),
                    requests.client(ctx));
        } catch (ApiError refused) {
            showList(ctx, session, refused.status(), asTyped(ctx, refused, enabled));
            return;
        }
        Dashboard.redirect(ctx, PATH + "?notice=" + Notice.IDENTITY_PROVIDER_ADDED.wire());
    }

    private void detail(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.require(ctx), Permission.MANAGE_SETTINGS);
        IdentityProviderView provider = merchant.provider(session.principal().tenantId(), providerId(ctx));
        showOne(ctx, session, 200, provider, ProviderForm.of(provider));
    }

    /** The form's fields as a PATCH of them all; the same values again change and record nothing. */
    private void change(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.MANAGE_SETTINGS);
        String tenantId = session.principal().tenantId();
        String id = providerId(ctx);
        IdentityProviderView provider = merchant.provider(tenantId, id);
        ObjectNode body = body(ctx, provider);
        if (!body.has("scopes")) {
            body.putArray("scopes"); // cleared in the form: refused as a PATCH without openid is
        }
        try {
            merchant.update(tenantId, id, JsonInput.of(body), session.principal().actor(), requests.client(ctx));
        } catch (ApiError refused) {
            showOne(ctx, session, refused.status(), provider, asTyped(ctx, refused, provider.enabled()));
            return;
        }
        Dashboard.redirect(ctx, PATH + "/" + id + "?notice=" + Notice.IDENTITY_PROVIDER_UPDATED.wire());
    }

    private void setEnabled(Context ctx, boolean enabled, Notice notice) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.MANAGE_SETTINGS);
        String id = providerId(ctx);
        merchant.update(session.principal().tenantId(), id,
                JsonInput.of(requests.mapper().createObjectNode().put("enabled", enabled)),
                session.principal().actor(), requests.client(ctx));
        Dashboard.redirect(ctx, PATH + "/" + id + "?notice=" + notice.wire());
    }

    private void delete(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.MANAGE_SETTINGS);
        String id = providerId(ctx);
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new ApiError(422, "validation_failed", "Tick the box to confirm the deletion.");
        }
        merchant.delete(session.principal().tenantId(), id, session.principal().actor(), requests.client(ctx));
        Dashboard.redirect(ctx, PATH + "?notice=" + Notice.IDENTITY_PROVIDER_DELETED.wire());
    }

    /**
     * The form as the admin API's body, for a new provider ({@code current} null) or a change of {@code current}: the
     * texts as typed (to be trimmed and judged by its rules), the scopes typed between spaces or commas, and the fields
     * of the way to authenticate chosen, not the other's. A client secret or private key left blank is left out where
     * the provider has one to keep, and sent blank, for the API to refuse as missing, where it has none: a switch
     * between a secret and a key needs the new one whole, as the API's {@code PATCH} does.
     */
    private ObjectNode body(Context ctx, IdentityProviderView current) {
        ObjectNode body = requests.mapper().createObjectNode();
        TEXT_FIELDS.forEach(field -> body.put(field, ctx.formParam(field)));
        boolean keyStored = current != null && current.applePrivateKeySet();
        if (appleKeyChosen(ctx)) {
            APPLE_IDS.forEach(field -> body.put(field, typed(ctx, field)));
            putWriteOnly(ctx, body, "apple_private_key", keyStored);
        } else {
            putWriteOnly(ctx, body, "client_secret", current != null && !keyStored);
        }
        Dashboard.putWords(body, "scopes", ctx.formParam("scopes"));
        return body;
    }

    private static void putWriteOnly(Context ctx, ObjectNode body, String field, boolean stored) {
        String typed = typed(ctx, field);
        if (!stored || !Text.isBlank(typed)) {
            body.put(field, typed);
        }
    }

    private static boolean appleKeyChosen(Context ctx) {
        return APPLE_KEY.equals(ctx.formParam("authentication"));
    }

    /**
     * The form as typed, but for the secret and the private key, with what refused it: each field's refusal next to
     * it, a taken slug and the issuer of a provider in use there too, another refusal of the service (the shop's
     * limit) above the form. What no form can correct (an unknown provider, a server that cannot use secrets now) goes
     * on to the error page.
     */
    private static ProviderForm asTyped(Context ctx, ApiError refused, boolean enabled) {
        List<FieldError> errors = switch (refused.code()) {
            case "slug_taken" -> List.of(new FieldError("slug", "taken", refused.getMessage()));
            case "identity_provider_in_use" -> List.of(new FieldError("issuer", "in_use", refused.getMessage()));
            default -> refused.errors();
        };
        if (errors.isEmpty() && refused.status() != 409 && refused.status() != 422) {
            throw refused;
        }
        return new ProviderForm(typed(ctx, "slug"), typed(ctx, "display_name"), typed(ctx, "issuer"),
                typed(ctx, "client_id"), appleKeyChosen(ctx), typed(ctx, "apple_team_id"),
                typed(ctx, "apple_key_id"), typed(ctx, "scopes"), enabled, errors,
                errors.isEmpty() ? refused.getMessage() : null);
    }

    private static String typed(Context ctx, String field) {
        return Objects.requireNonNullElse(ctx.formParam(field), "");
    }

    private static String providerId(Context ctx) {
        return Identifiers.pathId(ctx, "id", "Identity provider");
    }
}
