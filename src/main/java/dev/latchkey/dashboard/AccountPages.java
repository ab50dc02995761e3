package dev.latchkey.dashboard;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Requests;
import dev.latchkey.staff.Staff;
import dev.latchkey.staff.StaffPasswordGuesses;
import dev.latchkey.staff.StaffService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;

/** The staff member's own account, for every role: who they are logged in as, and changing their password. */
public final class AccountPages {
    /** {@code errors} are the refusals of the password form, next to its fields. */
    public record AccountPage(Frame frame, Staff self, List<FieldError> errors) {
        public String errorFor(String field) {
            return FieldError.messageFor(errors, field);
        }
    }

    private final Dashboard dashboard;
    private final StaffService staff;
    private final StaffPasswordGuesses guesses;
    private final Requests requests;

    AccountPages(Dashboard dashboard, StaffService staff, StaffPasswordGuesses guesses, Requests requests) {
        this.dashboard = dashboard;
        this.staff = staff;
        this.guesses = guesses;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/account", dashboard.page(ctx -> show(ctx, dashboard.require(ctx), 200, List.of())));
        routes.post("/dashboard/account/password", dashboard.page(this::changePassword));
    }

    private void show(Context ctx, DashboardSession session, int status, List<FieldError> errors) {
        Staff self = staff.get(session.principal().tenantId(), session.principal().staffId());
        dashboard.render(ctx, status, "account.jte",
                new AccountPage(dashboard.frame(ctx, session, "Your account", "account"), self, errors));
    }

    /** Every other session of the staff member ends; this one goes on. */
    private void changePassword(Context ctx) {
        DashboardSession session = dashboard.requireForm(ctx);
        String current = Dashboard.passwordField(ctx, "current_password");
        String next = Dashboard.passwordField(ctx, "new_password");
        if (current.isEmpty() || next.isEmpty()) {
            show(ctx, session, 422, List.of(new FieldError(current.isEmpty() ? "current_password" : "new_password",
                    "required", "Enter your current password and a new one.")));
            return;
        }
        try {
            guesses.count(ctx, session.principal());
            staff.changeOwnPassword(session.principal(), session.token(), current, next,
                    requests.client(ctx));
        } catch (ApiError refused) {
            List<FieldError> errors = refused.code().equals("invalid_credentials")
                    ? List.of(new FieldError("current_password", "invalid",
                    "Your current password is not correct, or your account is locked for a while after too many "
                            + "wrong ones."))
                    : refused.errors();
            if (errors.isEmpty()) {
                throw refused;
            }
            show(ctx, session, refused.status(), errors);
            return;
        }
        Dashboard.redirect(ctx, "/dashboard/account?notice=" + Notice.PASSWORD_CHANGED.wire());
    }
}
