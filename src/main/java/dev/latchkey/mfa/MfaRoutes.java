package dev.latchkey.mfa;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Guard;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;
import java.util.Map;

/**
 * The customer's own second factor: its state, setting up an authenticator app, recovery codes, turning it off. Only
 * the customer's own token may: an agent acting for them may not, whatever its scope.
 */
public final class MfaRoutes {
    /** A TOTP code (6 digits) or a recovery code as typed, dashes and spaces included. */
    public static final int MAX_CODE = 64;

    private final Guard guard;
    private final MfaService mfa;
    private final Requests requests;
    private final RateLimits limits;

    public MfaRoutes(Guard guard, MfaService mfa, Requests requests, RateLimits limits) {
        this.guard = guard;
        this.mfa = mfa;
        this.requests = requests;
        this.limits = limits;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me/mfa", this::status);
        routes.post("/v1/me/mfa/totp", this::startTotp);
        routes.post("/v1/me/mfa/totp/confirm", this::confirmTotp);
        routes.post("/v1/me/mfa/disable", this::disable);
        routes.post("/v1/me/mfa/recovery-codes", this::regenerate);
    }

    private void status(Context ctx) {
        AccessToken token = guard.customer(ctx);
        ctx.json(mfa.status(token.tenantId(), token.customerId()));
    }

    private void startTotp(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        in.validate();
        guessable(ctx, token);
        ctx.json(mfa.startTotp(token, password, requests.client(ctx)));
    }

    private void confirmTotp(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        String code = in.required("code", MAX_CODE);
        in.validate();
        guessable(ctx, token);
        ctx.json(codes(mfa.confirmTotp(token, code, requests.client(ctx))));
    }

    private void disable(Context ctx) {
        AccessToken token = guard.customer(ctx);
        Proof proof = proof(ctx, token);
        mfa.disable(token, proof.password(), proof.code(), requests.client(ctx));
        ctx.status(204);
    }

    private void regenerate(Context ctx) {
        AccessToken token = guard.customer(ctx);
        Proof proof = proof(ctx, token);
        ctx.json(codes(mfa.regenerateRecoveryCodes(token, proof.password(), proof.code(), requests.client(ctx))));
    }

    /** The password and a code, which turning the second factor off and new recovery codes both ask for. */
    private record Proof(String password, String code) {
    }

    private Proof proof(Context ctx, AccessToken token) {
        JsonInput in = requests.body(ctx);
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        String code = in.required("code", MAX_CODE);
        in.validate();
        guessable(ctx, token);
        return new Proof(password, code);
    }

    /** A password or code can be guessed here as at log-in: the same buckets count it. */
    private void guessable(Context ctx, AccessToken token) {
        limits.enforce(ctx, token.tenantId(), LimitedAction.LOGIN, token.email());
    }

    private static Map<String, List<String>> codes(List<String> codes) {
        return Map.of("recovery_codes", codes);
    }
}
