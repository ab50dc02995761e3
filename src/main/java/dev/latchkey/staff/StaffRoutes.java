package dev.latchkey.staff;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import dev.latchkey.mfa.MfaRoutes;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Staff log-in and log-out on the admin API, and an owner's management of the tenant's staff. */
public final class StaffRoutes {
    private final Guard guard;
    private final StaffService staff;
    private final StaffLogins logins;
    private final StaffMfa mfa;
    private final TenantService tenants;
    private final RateLimits limits;
    private final StaffPasswordGuesses guesses;
    private final Requests requests;

    public StaffRoutes(Guard guard, StaffService staff, StaffLogins logins, StaffMfa mfa, TenantService tenants,
                       RateLimits limits, StaffPasswordGuesses guesses, Requests requests) {
        this.guard = guard;
        this.staff = staff;
        this.logins = logins;
        this.mfa = mfa;
        this.tenants = tenants;
        this.limits = limits;
        this.guesses = guesses;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/admin/staff/login", this::login);
        routes.post("/v1/admin/staff/login/mfa", this::secondFactor);
        routes.post("/v1/admin/staff/logout", this::logout);
        routes.get("/v1/admin/staff", this::list);
        routes.post("/v1/admin/staff", this::create);
        routes.patch("/v1/admin/staff/{id}", this::changeRole);
        routes.delete("/v1/admin/staff/{id}", this::delete);
        routes.post("/v1/admin/staff/password", this::changeOwnPassword);
        routes.post("/v1/admin/staff/{id}/password", this::setPassword);
        routes.delete("/v1/admin/staff/{id}/mfa", this::resetMfa);
    }

    private void login(Context ctx) {
        JsonInput in = requests.body(ctx);
        String tenantId = in.required("tenant_id", 64);
        String email = in.required("email", EmailAddress.MAX_LENGTH);
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        in.validate();
        limits.enforce(ctx, tenantId, LimitedAction.STAFF_LOGIN, email);
        var step = logins.login(tenantId, email, password, StaffSessionKind.API, requests.client(ctx));
        if (step.mfa() != null) {
            ctx.json(step.mfa());
            return;
        }
        session(ctx, step.loggedIn());
    }

    /** Counted in the login's buckets: per IP, and per account once the token names a live login's member. */
    private void secondFactor(Context ctx) {
        JsonInput in = requests.body(ctx);
        String tenantId = in.required("tenant_id", 64);
        String mfaToken = in.required("mfa_token", 256);
        String code = in.required("code", MfaRoutes.MAX_CODE);
        in.validate();
        limits.enforce(ctx, tenantId, LimitedAction.STAFF_LOGIN,
                logins.challengedEmail(tenantId, mfaToken).orElse(null));
        session(ctx, logins.secondFactor(tenantId, mfaToken, code, StaffSessionKind.API, requests.client(ctx)));
    }

    private static void session(Context ctx, StaffLogins.LoggedIn loggedIn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", loggedIn.session().token());
        body.put("token_type", "Bearer");
        body.put("expires_in", StaffSessionKind.API.lifetime().toSeconds());
        body.put("expires_at", loggedIn.session().expiresAt());
        body.put("role", loggedIn.principal().role().wire());
        body.put("staff_id", loggedIn.principal().staffId());
        ctx.json(body);
    }

    private void logout(Context ctx) {
        String raw = Guard.bearer(ctx);
        AdminPrincipal who = guard.ownStaffSessionToEnd(ctx);
        if (!StaffSessionKind.API.marks(raw)) {
            // a working secret key (or a dashboard session's token) is the wrong kind here, not an unknown one
            throw ApiError.insufficientScope("Only a staff session's own token (stf_) can log it out.");
        }
        logins.logout(who, raw, requests.client(ctx));
        ctx.status(204);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_STAFF).tenantId();
        Paging paging = Paging.from(ctx, Listing.STAFF);
        ctx.json(staff.list(tenantId, paging.cursor(), paging.limit()));
    }

    private void create(Context ctx) {
        AdminPrincipal who = guard.admin(ctx, Permission.MANAGE_STAFF);
        String tenantId = who.tenantId();
        JsonInput in = requests.body(ctx);
        StaffService.NewStaff input = StaffInput.read(in, null);
        if (input.password() != null) {
            staff.passwordProblem("password", input.password(), input.email(), tenants.settings(tenantId))
                    .ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        }
        in.validate();
        ctx.status(201).json(staff.create(who, input, requests.client(ctx)));
    }

    private void changeOwnPassword(Context ctx) {
        AdminPrincipal who = guard.ownStaffSession(ctx);
        JsonInput in = requests.body(ctx);
        String current = in.required("current_password", PasswordPolicy.MAX_FIELD_LENGTH);
        String next = in.required("new_password", PasswordPolicy.MAX_FIELD_LENGTH);
        in.validate();
        guesses.count(ctx, who);
        staff.changeOwnPassword(who, Guard.bearer(ctx), current, next, requests.client(ctx));
        ctx.status(204);
    }

    private void setPassword(Context ctx) {
        AdminPrincipal who = guard.admin(ctx, Permission.MANAGE_STAFF);
        JsonInput in = requests.body(ctx);
        String password = in.required("new_password", PasswordPolicy.MAX_FIELD_LENGTH);
        in.validate();
        staff.setPassword(who, ctx.pathParam("id"), password, requests.client(ctx));
        ctx.status(204);
    }

    private void changeRole(Context ctx) {
        AdminPrincipal who = guard.admin(ctx, Permission.MANAGE_STAFF);
        JsonInput in = requests.body(ctx);
        AdminPrincipal.Role role = StaffInput.requiredRole(in);
        // each has its own way: a new email is a new member, a password is set with POST .../{id}/password
        in.rejectPresent(Set.of("email", "password"));
        in.validate();
        ctx.json(staff.changeRole(who, ctx.pathParam("id"), role, requests.client(ctx)));
    }

    private void resetMfa(Context ctx) {
        AdminPrincipal who = guard.admin(ctx, Permission.MANAGE_STAFF);
        mfa.reset(who, ctx.pathParam("id"), requests.client(ctx));
        ctx.status(204);
    }

    private void delete(Context ctx) {
        AdminPrincipal who = guard.admin(ctx, Permission.MANAGE_STAFF);
        staff.delete(who, ctx.pathParam("id"), requests.client(ctx));
        ctx.status(204);
    }
}
