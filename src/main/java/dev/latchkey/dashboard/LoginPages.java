package dev.latchkey.dashboard;

import dev.latchkey.auth.Secrets;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Requests;
import dev.latchkey.mfa.MfaRoutes;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.staff.StaffLogins;
import dev.latchkey.staff.StaffSessionKind;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * The staff login and logout of the dashboard. Before a session exists, the login form is protected by a
 * double-submit token: a random value in an HttpOnly, SameSite=Strict cookie that the form must repeat. A post that a
 * browser marks as coming from another origin never gets this far ({@link Dashboard#page}).
 */
public final class LoginPages {
    private static final String LOGIN_CSRF_COOKIE = "latchkey_login_csrf";
    /**
     * The login waiting for its second factor: its {@code mfa_} token, which only the server's hashed row gives a
     * meaning to. Kept in the browser that gave the password, never in the page.
     */
    private static final String MFA_COOKIE = "latchkey_login_mfa";
    private static final String LOGIN_PATH = "/dashboard/login";
    private static final String MFA_PATH = LOGIN_PATH + "/mfa";
    private static final long LOGIN_CSRF_MAX_AGE = 3600;

    private static final String GONE = "This login has expired or had too many wrong codes: log in again.";

    /** The login form, with what was typed (never the password) and why it failed. */
    public record LoginPage(Frame frame, String tenantId, String email, String error) {
    }

    /** The second step of a login: the code form, for the shop the password was given for, and why a code failed. */
    public record CodePage(Frame frame, String tenantId, String error) {
    }

    private final Dashboard dashboard;
    private final StaffLogins logins;
    private final RateLimits limits;
    private final Requests requests;

    LoginPages(Dashboard dashboard, StaffLogins logins, RateLimits limits, Requests requests) {
        this.dashboard = dashboard;
        this.logins = logins;
        this.limits = limits;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(LOGIN_PATH, dashboard.page(this::form));
        routes.post(LOGIN_PATH, dashboard.page(this::login));
        routes.post(MFA_PATH, dashboard.page(this::secondFactor));
        routes.post("/dashboard/logout", dashboard.page(this::logout));
    }

    /** A logged-in browser goes on to the customers, unless its shop is suspended: it may log in to another. */
    private void form(Context ctx) {
        try {
            if (dashboard.shopSuspended(dashboard.requireAnyShop(ctx))) {
                show(ctx, 200, "", "", null);
            } else {
                Dashboard.redirect(ctx, "/dashboard/customers");
            }
        } catch (LoginRequired notYet) {
            if (notYet.expired()) {
                dashboard.clearSessionCookie(ctx);
            }
            show(ctx, 200, "", "", null);
        }
    }

    private void show(Context ctx, int status, String tenantId, String email, String error) {
        dashboard.render(ctx, status, "login.jte",
                new LoginPage(Dashboard.anonymousFrame(ctx, "Log in", loginCsrf(ctx)), tenantId, email, error));
    }

    /** The double-submit token of the login's forms, set anew when the browser has none. */
    private String loginCsrf(Context ctx) {
        String csrf = dashboard.readCookie(ctx, LOGIN_CSRF_COOKIE);
        if (csrf == null || !csrf.matches("^lc_[0-9A-Za-z]{43}$")) {
            csrf = Secrets.secret("lc");
            ctx.res().addHeader("Set-Cookie",
                    dashboard.cookie(ctx, LOGIN_CSRF_COOKIE, csrf, LOGIN_PATH, LOGIN_CSRF_MAX_AGE));
        }
        return csrf;
    }

    private void showCodeForm(Context ctx, int status, String tenantId, String error) {
        dashboard.render(ctx, status, "login-mfa.jte",
                new CodePage(Dashboard.anonymousFrame(ctx, "Two-step sign-in", loginCsrf(ctx)), tenantId, error));
    }

    private void login(Context ctx) {
        Dashboard.checkCsrf(ctx.formParam(Dashboard.CSRF_FIELD), dashboard.readCookie(ctx, LOGIN_CSRF_COOKIE));
        String tenantId = field(ctx, "tenant_id", 64).trim();
        String email = field(ctx, "email", EmailAddress.MAX_LENGTH).trim();
        String password = field(ctx, "password", PasswordPolicy.MAX_FIELD_LENGTH);
        if (tenantId.isEmpty() || email.isEmpty() || password.isEmpty()) {
            show(ctx, 422, tenantId, email, "Enter the shop ID, your email and your password.");
            return;
        }
        StaffLogins.Step step;
        try {
            limits.enforce(ctx, tenantId, LimitedAction.STAFF_LOGIN, email);
            step = logins.login(tenantId, email, password, StaffSessionKind.DASHBOARD, requests.client(ctx));
        } catch (ApiError refused) {
            refused.headers().forEach(ctx::header);
            show(ctx, refused.status(), tenantId, email, refused.status() == 401
                    ? "The shop ID, email or password is not correct, or the account is locked for a while."
                    : refused.getMessage());
            return;
        }
        if (step.mfa() != null) {
            ctx.res().addHeader("Set-Cookie", dashboard.cookie(ctx, MFA_COOKIE, step.mfa().mfaToken(), LOGIN_PATH,
                    step.mfa().expiresIn()));
            showCodeForm(ctx, 200, tenantId, null);
            return;
        }
        start(ctx, step.loggedIn());
    }

    private void start(Context ctx, StaffLogins.LoggedIn loggedIn) {
        endEarlierSession(ctx);
        dashboard.setSessionCookie(ctx, loggedIn.session().token());
        Dashboard.redirect(ctx, loggedIn.mfaSetupRequired() ? SecurityPages.PATH : "/dashboard/customers");
    }

    /**
     * The code for the login waiting in this browser's cookie. A login that is gone (expired, used up by wrong codes,
     * its second factor reset) leads back to the password form.
     */
    private void secondFactor(Context ctx) {
        Dashboard.checkCsrf(ctx.formParam(Dashboard.CSRF_FIELD), dashboard.readCookie(ctx, LOGIN_CSRF_COOKIE));
        String tenantId = field(ctx, "tenant_id", 64).trim();
        String code = field(ctx, "code", MfaRoutes.MAX_CODE).trim();
        String token = dashboard.readCookie(ctx, MFA_COOKIE);
        if (token == null || token.isEmpty() || token.length() > 256 || tenantId.isEmpty()) {
            show(ctx, 401, tenantId, "", GONE);
            return;
        }
        if (code.isEmpty()) {
            showCodeForm(ctx, 422, tenantId, "Enter the code of your authenticator app, or a recovery code.");
            return;
        }
        StaffLogins.LoggedIn loggedIn;
        try {
            limits.enforce(ctx, tenantId, LimitedAction.STAFF_LOGIN,
                    logins.challengedEmail(tenantId, token).orElse(null));
            loggedIn = logins.secondFactor(tenantId, token, code, StaffSessionKind.DASHBOARD, requests.client(ctx));
        } catch (ApiError refused) {
            refused.headers().forEach(ctx::header);
            if (refused.code().equals("invalid_mfa_token")) {
                ctx.res().addHeader("Set-Cookie", dashboard.cookie(ctx, MFA_COOKIE, "", LOGIN_PATH, 0));
                show(ctx, 401, tenantId, "", GONE);
            } else {
                showCodeForm(ctx, refused.status(), tenantId, refused.status() == 401
                        ? "The code is not correct, or your account is locked for a while." : refused.getMessage());
            }
            return;
        }
        ctx.res().addHeader("Set-Cookie", dashboard.cookie(ctx, MFA_COOKIE, "", LOGIN_PATH, 0));
        start(ctx, loggedIn);
    }

    /**
     * A session the browser still held (a login form posted from a second tab) ends on the server too: its cookie is
     * replaced, and a session nobody can reach any more should not stay valid until it times out.
     */
    private void endEarlierSession(Context ctx) {
        try {
            DashboardSession earlier = dashboard.requireAnyShop(ctx);
            logins.logout(earlier.principal(), earlier.token(), requests.client(ctx));
        } catch (LoginRequired none) {
            // nothing to end
        }
    }

    /**
     * A missing field reads as empty. An overlong one is cut to one character over its limit: no shop, staff member or
     * password is that long, so it fails like any wrong value and after the same work, with bounded keys for the rate
     * limits.
     */
    private static String field(Context ctx, String name, int maxLength) {
        String value = ctx.formParam(name);
        return value == null ? "" : value.length() > maxLength ? value.substring(0, maxLength + 1) : value;
    }

    private void logout(Context ctx) {
        DashboardSession session = dashboard.requireFormToEnd(ctx);
        logins.logout(session.principal(), session.token(), requests.client(ctx));
        dashboard.clearSessionCookie(ctx);
        Dashboard.redirect(ctx, LOGIN_PATH + "?notice=" + Notice.LOGGED_OUT.wire());
    }
}
