package dev.latchkey.dashboard;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.Requests;
import dev.latchkey.staff.StaffPasswordGuesses;
import dev.latchkey.staff.StaffService;
import dev.latchkey.staff.StaffSessions;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Objects;

/**
 * "Sudo mode": whoever sits at an owner's unlocked screen must not hand the shop to someone else without knowing the
 * owner's password (OWASP ASVS 4.0 3.7.1). A {@link GuardedPage} asks for it first; once given, this session alone may
 * use those pages for {@link StaffSessions#CONFIRMATION_WINDOW}. The password is checked as the current one is on
 * "Your account": under the lockout, in the member's login bucket, recorded when wrong.
 */
public final class ConfirmPages {
    /**
     * {@code next} is the page the form leads to, {@code at} the place on it ("" for the page itself); {@code refused}
     * whether a change was just refused for want of a confirmation; {@code problem} what was wrong with the password
     * given, or null.
     */
    public record ConfirmPage(Frame frame, String next, String at, String pageTitle, long minutes, boolean refused,
                              String problem) {
    }

    private static final String WRONG = "Your password is not correct, or your account is locked for a while after "
            + "too many wrong ones.";

    private final Dashboard dashboard;
    private final StaffService staff;
    private final StaffPasswordGuesses guesses;
    private final Requests requests;

    ConfirmPages(Dashboard dashboard, StaffService staff, StaffPasswordGuesses guesses, Requests requests) {
        this.dashboard = dashboard;
        this.staff = staff;
        this.guesses = guesses;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/dashboard/confirm", dashboard.page(this::confirm));
    }

    /**
     * A {@link GuardedPage} used unconfirmed: its GET shows the confirmation form instead, any change is refused with
     * it (403), having done nothing, also for a form loaded while the session was confirmed and sent after.
     */
    static void answer(Dashboard dashboard, Context ctx, ConfirmationRequired required) {
        boolean change = ctx.method() == HandlerType.POST; // HEAD reads as GET does
        // a place the page does not know (an address typed by hand) leads to the page itself
        String at = required.page().path(required.at()).isPresent() ? required.at() : "";
        show(dashboard, ctx, required.session(), required.page(), at, change ? 403 : 200, change, null);
    }

    private static void show(Dashboard dashboard, Context ctx, DashboardSession session, GuardedPage page, String at,
                             int status, boolean refused, String problem) {
        dashboard.render(ctx, status, "confirm.jte", new ConfirmPage(
                dashboard.frame(ctx, session, "Confirm your password", page.wire()), page.wire(), at, page.title(),
                StaffSessions.CONFIRMATION_WINDOW.toMinutes(), refused, problem));
    }

    /**
     * Leads to the page named by {@code next}, one of a fixed few, or to the place {@code at} on it that the page
     * accepts: never to an address the form could choose.
     */
    private void confirm(Context ctx) {
        DashboardSession session = dashboard.requireForm(ctx, true);
        GuardedPage next = GuardedPage.fromWire(ctx.formParam("next")).orElseThrow(ConfirmPages::noSuchPage);
        String at = Objects.requireNonNullElse(ctx.formParam("at"), "");
        String path = next.path(at).orElseThrow(ConfirmPages::noSuchPage);
        if (session.mfaSetupRequired() && next != GuardedPage.SECURITY) {
            throw new MfaSetupRequired(); // the set-up's confirmation only (its 10 minutes may run out meanwhile)
        }
        next.permit(session);
        String password = Dashboard.passwordField(ctx, "password");
        if (password.isEmpty()) {
            show(dashboard, ctx, session, next, at, 422, false, "Enter your password.");
            return;
        }
        try {
            guesses.count(ctx, session.principal());
            staff.confirm(session.principal(), session.token(), password, requests.client(ctx));
        } catch (ApiError refused) {
            if (!refused.code().equals("invalid_credentials")) {
                throw refused;
            }
            show(dashboard, ctx, session, next, at, refused.status(), false, WRONG);
            return;
        }
        Dashboard.redirect(ctx, path);
    }

    private static ApiError noSuchPage() {
        return new ApiError(422, "validation_failed", "There is no such page to confirm for.");
    }
}
