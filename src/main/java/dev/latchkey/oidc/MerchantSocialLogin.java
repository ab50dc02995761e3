package dev.latchkey.oidc;

import dev.latchkey.audit.Actor;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.JsonInput;

import java.util.List;

/**
 * The merchant's side of social login, for the admin API and the dashboard alike: the shop's identity providers, read
 * from a body by one set of rules ({@link ProviderInput}), and a customer's linked provider accounts. A form and a
 * request are refused alike, and a provider is never shown with its client secret.
 */
public final class MerchantSocialLogin {
    /** A new provider's scopes when none are given. */
    public static final List<String> DEFAULT_SCOPES = IdentityProvider.DEFAULT_SCOPES;

    private final IdentityProviderService providers;
    private final ProviderInput input;
    private final SocialLoginService login;

    MerchantSocialLogin(IdentityProviderService providers, ProviderInput input, SocialLoginService login) {
        this.providers = providers;
        this.input = input;
        this.login = login;
    }

    /** The shop's providers, oldest first. */
    public List<IdentityProviderView> providers(String tenantId) {
        return providers.list(tenantId).stream().map(IdentityProviderView::of).toList();
    }

    /** 404 for an unknown id or another shop's. */
    public IdentityProviderView provider(String tenantId, String id) {
        return IdentityProviderView.of(providers.get(tenantId, id));
    }

    /** A new provider from the fields of {@code body}: 422 naming a refused field, 409 {@code slug_taken}. */
    public IdentityProviderView create(String tenantId, JsonInput body, Actor actor, ClientInfo client) {
        return IdentityProviderView.of(providers.create(tenantId, input.read(body, true), actor, client));
    }

    /** The fields {@code body} gives change; 409 {@code identity_provider_in_use} for a new issuer while linked. */
    public IdentityProviderView update(String tenantId, String id, JsonInput body, Actor actor, ClientInfo client) {
        return IdentityProviderView.of(providers.update(tenantId, id, input.read(body, false), actor, client));
    }

    public void delete(String tenantId, String id, Actor actor, ClientInfo client) {
        providers.delete(tenantId, id, actor, client);
    }

    /** The customer's linked provider accounts: 404 for a customer the shop does not have. */
    public List<IdentityView> identities(String tenantId, String customerId) {
        return login.identitiesForMerchant(tenantId, customerId);
    }

    /** Support removes a link, by the shopper's rules (409 {@code last_sign_in_method} for the only way in). */
    public void unlink(String tenantId, String customerId, String identityId, Actor actor, ClientInfo client) {
        login.unlinkByMerchant(tenantId, customerId, identityId, actor, client);
    }
}
