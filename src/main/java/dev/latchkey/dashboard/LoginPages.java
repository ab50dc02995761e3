package dev.latchkey.dashboard;

import dev.latchkey.auth.Secrets;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Requests;
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
    private static final String LOGIN_PATH = "/dashboard/login";
    private static final long LOGIN_CSRF_MAX_AGE = 3600;

    /** The login form, with what was typed (never the password) and why it failed. */
    public record LoginPage(Frame frame, String tenantId, String email, String error) {
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
        String csrf = dashboard.readCookie(ctx, LOGIN_CSRF_COOKIE);
        if (csrf == null || !csrf.matches("^lc_[0-9A-Za-z]{43}$")) {
            csrf = Secrets.secret("lc");
            ctx.res().addHeader("Set-Cookie",
                    dashboard.cookie(ctx, LOGIN_CSRF_COOKIE, csrf, LOGIN_PATH, LOGIN_CSRF_MAX_AGE));
        }
        dashboard.render(ctx, status, "login.jte",
                new LoginPage(Dashboard.anonymousFrame(ctx, "Log in", csrf), tenantId, email, error));
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
        StaffLogins.LoggedIn loggedIn;
        try {
            limits.enforce(ctx, tenantId, LimitedAction.STAFF_LOGIN, email);
            loggedIn = logins.login(tenantId, email, password, StaffSessionKind.DASHBOARD, requests.client(ctx));
        } catch (ApiError refused) {
            refused.headers().forEach(ctx::header);
            show(ctx, refused.status(), tenantId, email, refused.status() == 401
                    ? "The shop ID, email or password is not correct, or the account is locked for a while."
                    : refused.getMessage());
            return;
        }
        endEarlierSession(ctx);
        dashboard.setSessionCookie(ctx, loggedIn.session().token());
        Dashboard.redirect(ctx, "/dashboard/customers");
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
