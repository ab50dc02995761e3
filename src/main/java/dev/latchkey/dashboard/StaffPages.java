package dev.latchkey.dashboard;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Requests;
import dev.latchkey.staff.Staff;
import dev.latchkey.staff.StaffInput;
import dev.latchkey.staff.StaffMfa;
import dev.latchkey.staff.StaffService;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;

/**
 * The owner's staff page: who may use the dashboard, adding a member with a role, changing a member's role, resetting
 * a member's second factor, and removing one.
 */
public final class StaffPages {
    /**
     * {@code errors} are the refusals of the add form, next to its fields; {@code passwordErrors} those of the form
     * that sets the password of {@code passwordFor}.
     */
    public record StaffPage(Frame frame, List<Staff> staff, String nextUrl, String self, String email, String role,
                            List<FieldError> errors, String passwordFor, List<FieldError> passwordErrors,
                            boolean mfaRequired) {
        public String errorFor(String field) {
            return FieldError.messageFor(errors, field);
        }

        public String passwordErrorFor(String field) {
            return FieldError.messageFor(passwordErrors, field);
        }

        /** The members whose password an owner sets here: everyone but the owner, who changes their own. */
        public List<Staff> others() {
            return staff.stream().filter(member -> !member.id().equals(self)).toList();
        }
    }

    /** What the page's two forms show again after a refusal: the add form's values, the password form's member. */
    private record Forms(String email, String role, List<FieldError> errors, String passwordFor,
                         List<FieldError> passwordErrors) {
        static final Forms BLANK = new Forms("", "support", List.of(), "", List.of());

        static Forms addRefused(String email, String role, List<FieldError> errors) {
            return new Forms(email, role, errors, "", List.of());
        }

        static Forms passwordRefused(String member, FieldError error) {
            return new Forms("", "support", List.of(), member == null ? "" : member, List.of(error));
        }
    }

    private static final int PAGE_SIZE = 50;

    private final Dashboard dashboard;
    private final StaffService staff;
    private final StaffMfa mfa;
    private final TenantService tenants;
    private final Requests requests;

    StaffPages(Dashboard dashboard, StaffService staff, StaffMfa mfa, TenantService tenants, Requests requests) {
        this.dashboard = dashboard;
        this.staff = staff;
        this.mfa = mfa;
        this.tenants = tenants;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/staff", dashboard.page(ctx -> show(ctx, owner(ctx), 200, Forms.BLANK)));
        routes.post("/dashboard/staff", dashboard.page(this::add));
        routes.post("/dashboard/staff/password", dashboard.page(this::setPassword));
        routes.post("/dashboard/staff/{id}/role", dashboard.page(this::changeRole));
        routes.post("/dashboard/staff/{id}/delete", dashboard.page(this::remove));
        routes.post("/dashboard/staff/{id}/mfa/reset", dashboard.page(this::resetMfa));
    }

    /** Every change here could hand the shop to someone else: only in a session confirmed lately. */
    private DashboardSession owner(Context ctx) {
        return dashboard.requireConfirmed(ctx, GuardedPage.STAFF);
    }

    private void show(Context ctx, DashboardSession session, int status, Forms forms) {
        Page<Staff> members = staff.list(session.principal().tenantId(), Dashboard.cursor(ctx, Listing.STAFF), PAGE_SIZE);
        dashboard.render(ctx, status, "staff.jte", new StaffPage(dashboard.frame(ctx, session, "Staff", "staff"),
                members.data(), Dashboard.nextUrl("/dashboard/staff", members), session.principal().staffId(),
                forms.email(), forms.role(), forms.errors(), forms.passwordFor(), forms.passwordErrors(),
                tenants.settings(session.principal().tenantId()).requireStaffMfa()));
    }

    private void add(Context ctx) {
        DashboardSession session = owner(ctx);
        String tenantId = session.principal().tenantId();
        var body = requests.mapper().createObjectNode();
        for (String field : List.of("email", "password", "role")) {
            String value = ctx.formParam(field);
            if (value != null && !value.isBlank()) {
                body.put(field, value);
            }
        }
        JsonInput in = JsonInput.of(body);
        StaffService.NewStaff input = StaffInput.read(in, null);
        if (input.password() != null && input.email() != null) {
            staff.passwordProblem("password", input.password(), input.email(), tenants.settings(tenantId))
                    .ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        }
        try {
            in.validate();
            staff.create(session.principal(), input, requests.client(ctx));
        } catch (ApiError refused) {
            List<FieldError> errors = refused.status() == 409
                    ? List.of(new FieldError("email", "taken", "A staff member with this email exists already."))
                    : refused.errors();
            if (errors.isEmpty()) {
                throw refused;
            }
            String role = input.role() == null ? "support" : input.role().wire();
            show(ctx, session, refused.status(), Forms.addRefused(body.path("email").asText(""), role, errors));
            return;
        }
        Dashboard.redirect(ctx, "/dashboard/staff?notice=" + Notice.STAFF_ADDED.wire());
    }

    /** For a member who forgot theirs: they are logged out everywhere, and a lockout is lifted. */
    private void setPassword(Context ctx) {
        DashboardSession session = owner(ctx);
        String member = ctx.formParam("staff_id");
        String password = Dashboard.passwordField(ctx, "new_password");
        if (member == null || member.isEmpty() || password.isEmpty()) {
            show(ctx, session, 422, Forms.passwordRefused(member, new FieldError("new_password", "required",
                    "Choose a staff member and enter a new password for them.")));
            return;
        }
        try {
            staff.setPassword(session.principal(), member, password, requests.client(ctx));
        } catch (ApiError refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            show(ctx, session, refused.status(), Forms.passwordRefused(member, refused.errors().getFirst()));
            return;
        }
        Dashboard.redirect(ctx, "/dashboard/staff?notice=" + Notice.STAFF_PASSWORD_SET.wire());
    }

    /** An owner who makes themselves support can no longer see this page: they go to the customers instead. */
    private void changeRole(Context ctx) {
        DashboardSession session = owner(ctx);
        AdminPrincipal who = session.principal();
        String raw = ctx.formParam("role");
        AdminPrincipal.Role role = AdminPrincipal.Role.fromWire(raw)
                .orElseThrow(() -> new ApiError(422, "validation_failed", "Choose owner or support."));
        String id = ctx.pathParam("id");
        staff.changeRole(who, id, role, requests.client(ctx));
        boolean demotedSelf = id.equals(who.staffId()) && role != AdminPrincipal.Role.OWNER;
        Dashboard.redirect(ctx, (demotedSelf ? "/dashboard/customers" : "/dashboard/staff") + "?notice="
                + Notice.STAFF_ROLE_CHANGED.wire());
    }

    /** For a member who lost their phone: they log in with the password alone until they set it up again. */
    private void resetMfa(Context ctx) {
        DashboardSession session = owner(ctx);
        mfa.reset(session.principal(), ctx.pathParam("id"), requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/staff?notice=" + Notice.STAFF_MFA_RESET.wire());
    }

    private void remove(Context ctx) {
        DashboardSession session = owner(ctx);
        AdminPrincipal who = session.principal();
        staff.delete(who, ctx.pathParam("id"), requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/staff?notice=" + Notice.STAFF_REMOVED.wire());
    }
}
