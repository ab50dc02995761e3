package dev.latchkey.dashboard;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.Requests;
import dev.latchkey.mfa.MfaRoutes;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.staff.StaffMfa;
import dev.latchkey.staff.StaffPasswordGuesses;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A staff member's own two-step sign-in: setting up an authenticator app (its otpauth URI shown as a QR code to scan,
 * with the secret and the URI as text below it; confirmed with a code), recovery codes shown once, new ones, and
 * turning it off with the password and a code. In a session confirmed lately only ({@link GuardedPage#SECURITY}); codes
 * and passwords typed here count in the member's login bucket.
 */
public final class SecurityPages {
    /**
     * {@code enrolment} is a seed being set up, {@code qrCode} its otpauth URI to scan (null without an enrolment, or
     * when the URI is too long for a QR code), {@code recoveryCodes} codes to show this once; {@code error} why a form
     * was refused.
     */
    public record SecurityPage(Frame frame, StaffMfa.Status status, SecondFactor.Enrolment enrolment, QrCodeSvg qrCode,
                               List<String> recoveryCodes, String error) {
    }

    static final String PATH = "/dashboard/security";

    private final Dashboard dashboard;
    private final StaffMfa mfa;
    private final StaffPasswordGuesses guesses;
    private final Requests requests;

    SecurityPages(Dashboard dashboard, StaffMfa mfa, StaffPasswordGuesses guesses, Requests requests) {
        this.dashboard = dashboard;
        this.mfa = mfa;
        this.guesses = guesses;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(PATH, dashboard.page(ctx -> show(ctx, setUp(ctx), 200, null, List.of(), null)));
        routes.post(PATH + "/totp", dashboard.page(this::start));
        routes.post(PATH + "/totp/confirm", dashboard.page(this::confirm));
        routes.post(PATH + "/recovery-codes", dashboard.page(this::regenerate));
        routes.post(PATH + "/disable", dashboard.page(this::disable));
    }

    private DashboardSession self(Context ctx) {
        return dashboard.requireConfirmed(ctx, GuardedPage.SECURITY);
    }

    /**
     * {@link #self} for the page and its set-up: the only ones a member whom the shop requires to set up a second
     * factor may use before it is done.
     */
    private DashboardSession setUp(Context ctx) {
        return dashboard.requireConfirmed(ctx, GuardedPage.SECURITY, true);
    }

    private void show(Context ctx, DashboardSession session, int status, SecondFactor.Enrolment enrolment,
                      List<String> recoveryCodes, String error) {
        dashboard.render(ctx, status, "security.jte", new SecurityPage(
                dashboard.frame(ctx, session, "Two-step sign-in", "account"), mfa.status(session.principal()),
                enrolment, enrolment == null ? null : qrCode(enrolment.otpauthUri()), recoveryCodes, error));
    }

    /**
     * Labelled with the account the app adds, as the URI's own label names it (the shop's name and the member's
     * email), so that a screen reader says what scanning it does.
     */
    private static QrCodeSvg qrCode(String otpauthUri) {
        String account = URI.create(otpauthUri).getPath().substring(1);
        return QrCodeSvg.of(otpauthUri, "QR code that adds " + account + " to an authenticator app").orElse(null);
    }

    private void start(Context ctx) {
        DashboardSession session = setUp(ctx);
        show(ctx, session, 200, mfa.start(session.principal()), List.of(), null);
    }

    /** A wrong code leads back to the start: a new secret is shown, as the one before is not in the page any more. */
    private void confirm(Context ctx) {
        DashboardSession session = setUp(ctx);
        String code = code(ctx);
        if (code.isEmpty()) {
            show(ctx, session, 422, null, List.of(), "Enter the code your authenticator app shows.");
            return;
        }
        List<String> codes;
        try {
            guesses.count(ctx, session.principal());
            codes = mfa.confirm(session.principal(), session.token(), code, requests.client(ctx));
        } catch (ApiError refused) {
            show(ctx, session, refused.status(), null, List.of(), refusal(refused));
            return;
        }
        show(ctx, session.withSecondFactor(), 200, null, codes, null);
    }

    private void regenerate(Context ctx) {
        DashboardSession session = self(ctx);
        proven(ctx, session, proof -> mfa.regenerateRecoveryCodes(session.principal(), proof.password(), proof.code(),
                requests.client(ctx))).ifPresent(codes -> show(ctx, session, 200, null, codes, null));
    }

    private void disable(Context ctx) {
        DashboardSession session = self(ctx);
        proven(ctx, session, proof -> {
            mfa.disable(session.principal(), proof.password(), proof.code(), requests.client(ctx));
            return true;
        }).ifPresent(done -> Dashboard.redirect(ctx, PATH + "?notice=" + Notice.OWN_MFA_DISABLED.wire()));
    }

    /** The password and a code both forms of a member with a second factor ask for. */
    private record Proof(String password, String code) {
    }

    /**
     * {@code change} given the form's password and code, counted as a guess; empty, with the page shown again, when
     * one is missing or the change is refused.
     */
    private <T> Optional<T> proven(Context ctx, DashboardSession session, Function<Proof, T> change) {
        String password = Dashboard.passwordField(ctx, "password");
        String code = code(ctx);
        if (password.isEmpty() || code.isEmpty()) {
            show(ctx, session, 422, null, List.of(), "Enter your password and a code.");
            return Optional.empty();
        }
        guesses.count(ctx, session.principal());
        try {
            return Optional.of(change.apply(new Proof(password, code)));
        } catch (ApiError refused) {
            show(ctx, session, refused.status(), null, List.of(), refusal(refused));
            return Optional.empty();
        }
    }

    private static String code(Context ctx) {
        String code = ctx.formParam("code");
        return code == null ? "" : code.length() > MfaRoutes.MAX_CODE ? code.substring(0, MfaRoutes.MAX_CODE + 1)
                : code.strip();
    }

    private static String refusal(ApiError refused) {
        return switch (refused.code()) {
            case "invalid_code" -> "The code is not a current code of your authenticator app, nor an unused "
                    + "recovery code.";
            case "invalid_credentials" -> "Your password is not correct, or your account is locked for a while after "
                    + "too many wrong ones.";
            default -> {
                if (refused.status() >= 500 || refused.status() == 429) {
                    throw refused;
                }
                yield refused.getMessage();
            }
        };
    }
}
