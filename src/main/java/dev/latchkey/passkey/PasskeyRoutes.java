package dev.latchkey.passkey;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.ApiKey;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passkeys: the customer's own (add, list, rename, remove; only their own token, never an agent's), logging in with
 * one, and the merchant's view and removal. The options and login routes count in the login's bucket per client IP:
 * no account is named before the passkey is verified.
 */
public final class PasskeyRoutes {
    private final Guard guard;
    private final PasskeyService passkeys;
    private final PasskeyLogin login;
    private final Requests requests;
    private final RateLimits limits;

    public PasskeyRoutes(Guard guard, PasskeyService passkeys, PasskeyLogin login, Requests requests,
                         RateLimits limits) {
        this.guard = guard;
        this.passkeys = passkeys;
        this.login = login;
        this.requests = requests;
        this.limits = limits;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/me/passkeys/options", this::registrationOptions);
        routes.post("/v1/me/passkeys", this::register);
        routes.get("/v1/me/passkeys", this::list);
        routes.patch("/v1/me/passkeys/{id}", this::rename);
        routes.delete("/v1/me/passkeys/{id}", this::delete);
        routes.post("/v1/auth/login/passkey/options", this::loginOptions);
        routes.post("/v1/auth/login/passkey", this::login);
        routes.get("/v1/admin/customers/{id}/passkeys", this::adminList);
        routes.delete("/v1/admin/customers/{id}/passkeys/{pid}", this::adminDelete);
    }

    private void registrationOptions(Context ctx) {
        AccessToken token = guard.customer(ctx);
        ctx.json(passkeys.registrationOptions(token));
    }

    private void register(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        String credential = CredentialInput.registration(in, requests.mapper());
        String name = in.line("name", PasskeyService.MAX_NAME).orElse(null);
        in.validate();
        ctx.status(201).json(passkeys.register(token, credential, name, requests.client(ctx)));
    }

    private void list(Context ctx) {
        AccessToken token = guard.customer(ctx);
        ctx.json(page(passkeys.list(token.tenantId(), token.customerId())));
    }

    private void rename(Context ctx) {
        AccessToken token = guard.customer(ctx);
        String id = Identifiers.pathId(ctx, "id", "Passkey");
        JsonInput in = requests.body(ctx);
        String name = in.requiredLine("name", PasskeyService.MAX_NAME);
        in.validate();
        ctx.json(passkeys.rename(token, id, name));
    }

    private void delete(Context ctx) {
        AccessToken token = guard.customer(ctx);
        String id = Identifiers.pathId(ctx, "id", "Passkey");
        passkeys.delete(token, id, requests.client(ctx));
        ctx.status(204);
    }

    private void loginOptions(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String email = in.string("email", EmailAddress.MAX_LENGTH).map(EmailAddress::normalise).orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.LOGIN, null);
        ctx.json(login.options(key.tenantId(), email));
    }

    private void login(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String challengeId = in.required("challenge_id", 64);
        String credential = CredentialInput.assertion(in, requests.mapper());
        String cartId = in.string("cart_id", 64).orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.LOGIN, null);
        GuestCart guestCart = cartId == null ? null : guard.anonymousSession(ctx, key)
                .map(session -> new GuestCart(cartId, session.sessionId())).orElse(null);
        ctx.json(login.login(key.tenantId(), challengeId, credential, guestCart, requests.client(ctx)));
    }

    private void adminList(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.VIEW_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        ctx.json(page(passkeys.listForAdmin(admin.tenantId(), id)));
    }

    /** Support removes a passkey of a lost device, as it would turn off a lost phone's second factor. */
    private void adminDelete(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.RESET_MFA);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        String passkeyId = Identifiers.pathId(ctx, "pid", "Passkey");
        passkeys.deleteByAdmin(admin.tenantId(), id, passkeyId, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    /** All of a customer's passkeys (at most {@link PasskeyService#MAX_PER_CUSTOMER}) on one page. */
    private static Map<String, Object> page(List<Passkey> passkeys) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", passkeys);
        body.put("next_cursor", null);
        return body;
    }
}
