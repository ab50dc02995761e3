package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import dev.latchkey.auth.Secrets;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.db.DatabaseErrors;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.PercentEncoding;
import dev.latchkey.http.PlainRequests;
import dev.latchkey.http.RequestIds;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Text;
import dev.latchkey.staff.StaffSessionKind;
import dev.latchkey.staff.StaffSessions;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantService;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What every dashboard page shares: the staff member's cookie session, CSRF checks, rendering templates and the
 * answers to a missing login or a refusal. Templates are compiled at build time and escape by HTML context.
 */
public final class Dashboard {
    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    /** What a form may name as its character set (browsers name none). */
    private static final Set<String> FORM_CHARSETS = Set.of("utf-8", "utf8");
    static final String SESSION_COOKIE = "latchkey_dashboard";
    private static final String HOST_PREFIX = "__Host-";
    static final String CSRF_FIELD = "_csrf";
    private static final Pattern WORD_SEPARATORS = Pattern.compile("[\\s,]+");

    private final StaffSessions sessions;
    private final TenantService tenants;
    private final ClientAddresses addresses;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    Dashboard(StaffSessions sessions, TenantService tenants, ClientAddresses addresses) {
        this.sessions = sessions;
        this.tenants = tenants;
        this.addresses = addresses;
    }

    /**
     * The logged-in staff member, or {@link LoginRequired}. What they change is recorded as theirs. While their shop is
     * suspended, 403 {@code tenant_suspended}: the session stays, and works again once the shop is reactivated.
     */
    DashboardSession require(Context ctx) {
        return require(ctx, false);
    }

    /**
     * {@link #require}; a member whom the shop requires to set up a second factor meets {@link MfaSetupRequired} unless
     * {@code setUp} (the set-up's own pages): no other page, form or route serves them until it is done.
     */
    DashboardSession require(Context ctx, boolean setUp) {
        DashboardSession session = requireAnyShop(ctx);
        tenants.tenant(session.principal().tenantId()).requireActive();
        if (session.mfaSetupRequired() && !setUp) {
            throw new MfaSetupRequired();
        }
        return session;
    }

    /**
     * {@link #require} whether or not the shop is suspended: for what only ends a session or shows the login form (a
     * browser holding a suspended shop's session may still log out, or log in to another shop).
     */
    DashboardSession requireAnyShop(Context ctx) {
        String token = readCookie(ctx, SESSION_COOKIE);
        if (token == null || token.isEmpty()) {
            throw new LoginRequired(false);
        }
        StaffSessions.Live live = sessions.authenticate(token, StaffSessionKind.DASHBOARD)
                .orElseThrow(() -> new LoginRequired(true));
        ClientAddresses.markStaff(ctx, live.principal().staffId());
        boolean setUp = !live.mfaEnabled()
                && tenants.tenant(live.principal().tenantId()).settings().requireStaffMfa();
        return new DashboardSession(live.principal(), token, csrfOf(token), live.confirmed(), setUp);
    }

    /**
     * The session for {@code page} (a POST's with its CSRF token): the role first, so that support meets 403 as on any
     * owner's page, then a confirmation lately, else {@link ConfirmationRequired}.
     */
    DashboardSession requireConfirmed(Context ctx, GuardedPage page) {
        return requireConfirmed(ctx, page, false);
    }

    /** {@link #requireConfirmed}, also for a session that must set up a second factor when {@code setUp}. */
    DashboardSession requireConfirmed(Context ctx, GuardedPage page, boolean setUp) {
        return requireConfirmed(ctx, page, "", setUp);
    }

    /**
     * {@link #requireConfirmed} on the place {@code at} of the page ({@link GuardedPage#path(String)}): the
     * confirmation asked for there leads back to it.
     */
    DashboardSession requireConfirmedAt(Context ctx, GuardedPage page, String at) {
        return requireConfirmed(ctx, page, at, false);
    }

    private DashboardSession requireConfirmed(Context ctx, GuardedPage page, String at, boolean setUp) {
        DashboardSession session = ctx.method() == HandlerType.POST ? requireForm(ctx, setUp) : require(ctx, setUp);
        page.permit(session);
        if (!session.confirmed()) {
            throw new ConfirmationRequired(session, page, at);
        }
        return session;
    }

    /** For a form post: the session, and its CSRF token in the form (compared in constant time), else 403. */
    DashboardSession requireForm(Context ctx) {
        return requireForm(ctx, false);
    }

    /** {@link #requireForm}, also for a session that must set up a second factor when {@code setUp}. */
    DashboardSession requireForm(Context ctx, boolean setUp) {
        DashboardSession session = require(ctx, setUp);
        checkCsrf(ctx.formParam(CSRF_FIELD), session.csrf());
        return session;
    }

    /**
     * {@link #requireForm} for the logout, which a suspended shop's staff may still do: ending a session only takes
     * access away, and it stays ended when the shop is reactivated.
     */
    DashboardSession requireFormToEnd(Context ctx) {
        DashboardSession session = requireAnyShop(ctx);
        checkCsrf(ctx.formParam(CSRF_FIELD), session.csrf());
        return session;
    }

    boolean shopSuspended(DashboardSession session) {
        return tenants.tenant(session.principal().tenantId()).suspended();
    }

    static void checkCsrf(String submitted, String expected) {
        if (submitted == null || expected == null || !Secrets.constantTimeEquals(submitted, expected)) {
            throw csrfFailed();
        }
    }

    private static ApiError csrfFailed() {
        return new ApiError(403, "csrf_failed",
                "This form has expired or did not come from the dashboard. Go back, reload the page and try again.");
    }

    /**
     * Fetch metadata, which current browsers send with every request: a form posted from any other origin is refused
     * before it is read, even one from a sibling subdomain (same-site), which could have planted the login form's
     * double-submit cookie. Browsers that send no such header still meet the CSRF token and SameSite=Strict cookies.
     */
    private static void refuseOtherSites(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw csrfFailed();
        }
    }

    /** The session's CSRF token: derived from the cookie's secret, so only a page the cookie opened can know it. */
    private static String csrfOf(String token) {
        return Secrets.sha256("latchkey-dashboard-csrf\n" + token);
    }

    /**
     * A password field of a form, empty when missing. An overlong one is cut to the field's limit: still too long for
     * the policy, and nobody's password.
     */
    static String passwordField(Context ctx, String name) {
        String value = Optional.ofNullable(ctx.formParam(name)).orElse("");
        return value.length() > PasswordPolicy.MAX_FIELD_LENGTH ? value.substring(0, PasswordPolicy.MAX_FIELD_LENGTH)
                : value;
    }

    /** {@code session}, when its role may do {@code permission}; else 403. */
    static DashboardSession permit(DashboardSession session, Permission permission) {
        if (!session.can(permission)) {
            throw ApiError.insufficientScope("The " + session.principal().role().wire()
                    + " role may not open this page or do this.");
        }
        return session;
    }

    /**
     * A refused form's errors by field, to show beside them: a refusal for {@code conflict} (an email in use, an
     * address the book holds) at {@code field}, with {@code fieldCode}; a refusal of no field is answered as a page.
     */
    static List<FieldError> formErrors(ApiError refused, String conflict, String field, String fieldCode) {
        List<FieldError> errors = refused.code().equals(conflict)
                ? List.of(new FieldError(field, fieldCode, refused.getMessage())) : refused.errors();
        if (errors.isEmpty()) {
            throw refused;
        }
        return errors;
    }

    Frame frame(Context ctx, DashboardSession session, String title, String section) {
        AdminPrincipal who = session.principal();
        return new Frame(title, section, true, who.can(Permission.MANAGE_SETTINGS), who.role().wire(), session.csrf(),
                notice(ctx), false, session.mfaSetupRequired());
    }

    static Frame anonymousFrame(Context ctx, String title, String csrf) {
        return new Frame(title, "login", false, false, null, csrf, notice(ctx), false, false);
    }

    private static Frame.Flash notice(Context ctx) {
        return Optional.ofNullable(ctx.queryParam("notice")).flatMap(Notice::fromWire)
                .map(notice -> new Frame.Flash(notice.text(ctx::queryParam), notice.refusal())).orElse(null);
    }

    void render(Context ctx, int status, String template, Object model) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(html(template, model));
    }

    private String html(String template, Object model) {
        var out = new StringOutput();
        templates.render("dashboard/" + template, model, out);
        return out.toString();
    }

    /**
     * The error page for a request the server refused before any route ran: nothing of the request is known but its
     * path, so no session is read, and the page shows nothing of the request.
     */
    String refusedBeforeRouting(int status, String message) {
        Frame frame = new Frame("Error", "", false, false, null, null, null, false, false);
        return html("error.jte", new ErrorPage(frame, status, heading(status), message));
    }

    /**
     * The page a list shows: the first, or the one after {@code ?cursor=} (422 for a cursor this server did not write for
     * this list).
     */
    static Cursor cursor(Context ctx, Listing listing) {
        String raw = ctx.queryParam("cursor");
        return raw == null || Text.isBlank(raw) ? null : Cursor.decode(Text.trim(raw), listing);
    }

    /** A list's filter as typed, trimmed; "" when absent or blank (the form shows it back as it was). */
    static String filterField(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || Text.isBlank(value) ? "" : Text.trim(value);
    }

    /** A value for a link's query string or path segment. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The link to the page after {@code page} of the list at {@code listUrl} (with its own query, if any); null at the end. */
    static String nextUrl(String listUrl, Page<?> page) {
        return page.nextCursor() == null ? null : listUrl + (listUrl.contains("?") ? "&" : "?") + "cursor="
                + encode(page.nextCursor());
    }

    /**
     * The words typed in a field between commas or spaces (event types, scopes) as the array {@code field} of an admin
     * API body; a field left blank lacks it, as a body would.
     */
    static void putWords(ObjectNode body, String field, String typed) {
        if (typed != null && !typed.isBlank()) {
            ArrayNode words = body.putArray(field);
            WORD_SEPARATORS.splitAsStream(typed.strip()).forEach(words::add);
        }
    }

    /** After a form: see the result with a GET (POST/redirect/GET), so reloading never repeats the action. */
    static void redirect(Context ctx, String location) {
        ctx.status(303).header("Location", location);
    }

    void setSessionCookie(Context ctx, String token) {
        ctx.res().addHeader("Set-Cookie", cookie(ctx, SESSION_COOKIE, token, "/dashboard", -1));
    }

    void clearSessionCookie(Context ctx) {
        ctx.res().addHeader("Set-Cookie", cookie(ctx, SESSION_COOKIE, "", "/dashboard", 0));
    }

    /**
     * HttpOnly and SameSite=Strict. Whenever the browser came over HTTPS (directly or via a trusted proxy) also Secure,
     * and named with the {@code __Host-} prefix, which the browser grants only to a Secure cookie of this very host at
     * path {@code /}: a page on a sibling subdomain can then not plant one of its own (a session of the attacker's, or
     * a login CSRF token it knows). Over plain HTTP, in development, the prefix cannot be had.
     */
    String cookie(Context ctx, String name, String value, String path, long maxAge) {
        boolean https = addresses.isHttps(ctx);
        return (https ? HOST_PREFIX + name : name) + "=" + value + "; Path=" + (https ? "/" : path)
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "") + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
    }

    /** The cookie as {@link #cookie} names it: over HTTPS one without the prefix is not this server's and is ignored. */
    String readCookie(Context ctx, String name) {
        return ctx.cookie(addresses.isHttps(ctx) ? HOST_PREFIX + name : name);
    }

    /** Wraps a page: no login leads to the login page, a refusal to an error page with the refusal's status. */
    Handler page(Handler handler) {
        return wrap(handler, true);
    }

    /**
     * {@link #page} for a form that uploads a file, whose multipart body the handler reads itself ({@link UploadForm}).
     */
    Handler upload(Handler handler) {
        return wrap(handler, false);
    }

    private Handler wrap(Handler handler, boolean urlEncoded) {
        return ctx -> {
            try {
                if (ctx.method() == HandlerType.POST) {
                    refuseOtherSites(ctx);
                    if (urlEncoded) {
                        requireUrlEncodedForm(ctx);
                    }
                }
                handler.handle(ctx);
            } catch (HttpResponseException e) {
                boolean tooLarge = e.getStatus() == 413;
                error(ctx, new ApiError(e.getStatus(), tooLarge ? "payload_too_large" : "bad_request",
                        tooLarge ? "The form is larger than the server accepts." : "The request could not be read."));
            } catch (LoginRequired e) {
                if (e.expired()) {
                    clearSessionCookie(ctx);
                }
                redirect(ctx, "/dashboard/login" + (e.expired() ? "?notice=" + Notice.EXPIRED.wire() : ""));
            } catch (ConfirmationRequired e) {
                ConfirmPages.answer(this, ctx, e);
            } catch (MfaSetupRequired e) {
                redirect(ctx, SecurityPages.PATH);
            } catch (ApiError e) {
                if (Requests.answerAbandoned(ctx) || ctx.res().isCommitted()) {
                    throw e; // a download refused after it began (its customer erased meanwhile): no page can follow
                }
                error(ctx, e);
            } catch (RuntimeException e) {
                if (Requests.answerAbandoned(ctx) || ctx.res().isCommitted() || DatabaseErrors.unreachable(e)) {
                    // a download under way, which no page can follow, or an outage: answered as for the API (see
                    // ProblemResponder), an outage with this page's 503
                    throw e;
                }
                log.error("dashboard request {} {} failed (request id {})", ctx.method(), ctx.path(),
                        RequestIds.of(ctx), DatabaseErrors.withoutValues(e));
                error(ctx, new ApiError(500, "internal_error", "The server failed; the error has been logged."));
            }
        };
    }

    /**
     * The dashboard's forms are URL-encoded; other bodies (multipart above all, which could not be read once the body
     * was) are refused with 415. A form that is not percent-encoded UTF-8 is refused with 400 (the framework would
     * read its bytes as replacement characters, stored as a name nobody typed), and so is a NUL, as PostgreSQL text
     * cannot hold it: looked for in the decoded fields, as a raw NUL byte in the body decodes to one just as
     * {@code %00} does.
     */
    private static void requireUrlEncodedForm(Context ctx) {
        // as sent: the framework reads every form as UTF-8 whatever it names, so a form in another charset is refused
        String contentType = Objects.requireNonNullElse(PlainRequests.declaredContentType(ctx), "");
        String[] parts = contentType.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase("application/x-www-form-urlencoded")) {
            throw new ApiError(415, "unsupported_media_type", "Forms are sent as application/x-www-form-urlencoded.");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (PlainRequests.isCharsetPart(parameter[0])
                    && !FORM_CHARSETS.contains(charsetName(parameter.length > 1 ? parameter[1] : ""))) {
                throw new ApiError(415, "unsupported_media_type", "Forms are sent in UTF-8.");
            }
        }
        if (!PercentEncoding.readableForm(ctx.bodyAsBytes())) {
            throw new ApiError(400, "bad_request", "The form is not percent-encoded UTF-8: each '%' must be followed "
                    + "by two hex digits, and the bytes they escape must be UTF-8.");
        }
        boolean nul = ctx.body().contains("%00") || ctx.formParamMap().entrySet().stream().anyMatch(field ->
                field.getKey().indexOf('\0') >= 0 || field.getValue().stream().anyMatch(v -> v.indexOf('\0') >= 0));
        if (nul) {
            throw new ApiError(400, "bad_request", "A form field may not contain a NUL character.");
        }
    }

    /** A charset parameter's value, unquoted and in lower case. */
    private static String charsetName(String value) {
        return PlainRequests.parameterValue(value).toLowerCase(Locale.ROOT);
    }

    void error(Context ctx, ApiError e) {
        // a page's refusal names no HTTP authentication scheme: the dashboard signs in with its own form and cookie
        e.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("WWW-Authenticate")) {
                ctx.header(name, value);
            }
        });
        // the fields' own messages say what to correct ("One or more fields are invalid." alone does not)
        String message = e.errors().isEmpty() ? e.getMessage()
                : e.errors().stream().map(FieldError::message).collect(Collectors.joining(" "));
        String heading = e.code().equals(Tenant.SUSPENDED_CODE) ? "Shop suspended" : heading(e.status());
        render(ctx, e.status(), "error.jte", new ErrorPage(errorFrame(ctx, e), e.status(), heading, message));
    }

    /** The signed-in frame when the session can be read; never waits for a database known to be unreachable. */
    private Frame errorFrame(Context ctx, ApiError e) {
        if (e.code().equals(ApiError.UNAVAILABLE)) {
            return anonymousFrame(ctx, "Error", null);
        }
        try {
            return frame(ctx, require(ctx, true), "Error", "");
        } catch (LoginRequired noSession) {
            return anonymousFrame(ctx, "Error", null);
        } catch (ApiError suspended) {
            // no page of the shop to lead to, but the staff member may still log out
            DashboardSession session = requireAnyShop(ctx);
            return new Frame("Error", "", true, false, session.principal().role().wire(), session.csrf(), null, true,
                    session.mfaSetupRequired());
        } catch (RuntimeException readingTheSession) {
            if (!DatabaseErrors.unreachable(readingTheSession)) {
                throw readingTheSession;
            }
            return anonymousFrame(ctx, "Error", null);
        }
    }

    private static String heading(int status) {
        return switch (status) {
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Cannot do this now";
            case 429 -> "Too many attempts";
            case 503 -> "Unavailable for a moment";
            default -> status >= 500 ? "Something went wrong" : "Cannot do this";
        };
    }

    /** An error page: the status and what happened, in words. */
    public record ErrorPage(Frame frame, int status, String heading, String message) {
    }
}
