package dev.latchkey.dashboard;

import dev.latchkey.address.AddressService;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.bulk.CustomerDownload;
import dev.latchkey.bulk.CustomerImports;
import dev.latchkey.auth.SessionService;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.http.ErrorPages;
import dev.latchkey.http.Requests;
import dev.latchkey.privacy.ExportService;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.oidc.MerchantSocialLogin;
import dev.latchkey.order.OrderService;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.staff.StaffLogins;
import dev.latchkey.staff.StaffMfa;
import dev.latchkey.staff.StaffPasswordGuesses;
import dev.latchkey.staff.StaffService;
import dev.latchkey.staff.StaffSessions;
import dev.latchkey.tenant.ApiKeyService;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.webhook.WebhookInput;
import dev.latchkey.webhook.WebhookService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The merchant's web dashboard at {@code /dashboard}: server-rendered pages with plain forms, a stylesheet and no
 * script. Every answer under {@code /dashboard} carries a strict Content-Security-Policy (no inline script or style),
 * refuses framing and referrers, and is never cached.
 */
public final class DashboardRoutes {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    /**
     * On every answer under {@code /dashboard}. Strict-Transport-Security: browsers keep it only from an answer over
     * HTTPS, as the dashboard's __Host- cookie needs anyway; then a later visit typed as http:// never goes out in the
     * clear. No includeSubDomains: the merchant's other hosts are not ours to decide for.
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CSP,
            "X-Frame-Options", "DENY",
            "Strict-Transport-Security", "max-age=31536000",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()");

    /** The services the pages use. */
    public record Services(StaffSessions staffSessions, StaffLogins staffLogins, StaffService staff, StaffMfa staffMfa,
                           TenantService tenants, ApiKeyService apiKeys,
                           CustomerService customers, CustomerSupport support, LockoutService lockout,
                           SessionService sessions, AuditLog audit, ExportService export,
                           AddressService addresses, OrderService orders, WebhookService webhooks,
                           WebhookInput webhookInput, CustomerDownload customersDownload,
                           CustomerImports customerImports, MerchantSocialLogin socialLogin,
                           MailTemplates mailTemplates) {
    }

    private final Dashboard dashboard;
    private final List<Consumer<JavalinDefaultRoutingApi>> pages;
    private final byte[] stylesheet = resource("/dashboard/dashboard.css");
    private final byte[] icon = resource("/dashboard/favicon.svg");

    public DashboardRoutes(Services services, ClientAddresses addresses, RateLimits limits,
                           StaffPasswordGuesses guesses, Requests requests) {
        this.dashboard = new Dashboard(services.staffSessions(), services.tenants(), addresses);
        this.pages = List.of(
                new LoginPages(dashboard, services.staffLogins(), limits, requests)::addTo,
                new CustomerFormPages(dashboard, services.customers(), services.support(), requests)::addTo,
                new AddressPages(dashboard, services.customers(), services.addresses(), requests)::addTo,
                new CustomerPages(dashboard, services.customers(), services.support(), services.lockout(),
                        services.sessions(), services.audit(), services.export(), services.addresses(),
                        services.orders(), services.customersDownload(), requests)::addTo,
                new CustomerBulkPages(dashboard, services.support(), requests)::addTo,
                new OrderPages(dashboard, services.orders(), services.customers())::addTo,
                new AuditPages(dashboard, services.audit(), services.customers())::addTo,
                new ImportPages(dashboard, services.customerImports(), services.staff(), requests)::addTo,
                new SettingsPages(dashboard, services.tenants(), requests)::addTo,
                new IdentityProviderPages(dashboard, services.socialLogin(), services.tenants(), requests)::addTo,
                new MailTemplatePages(dashboard, services.mailTemplates(), services.tenants(), requests)::addTo,
                new ApiKeyPages(dashboard, services.apiKeys(), requests)::addTo,
                new WebhookPages(dashboard, services.webhooks(), services.webhookInput(), requests)::addTo,
                new StaffPages(dashboard, services.staff(), services.staffMfa(), services.tenants(), requests)::addTo,
                new AccountPages(dashboard, services.staff(), guesses, requests)::addTo,
                new SecurityPages(dashboard, services.staffMfa(), guesses, requests)::addTo,
                new ConfirmPages(dashboard, services.staff(), guesses, requests)::addTo);
    }

    /** Refusals on the dashboard's paths that no page handled (unknown path, wrong method, unreadable query). */
    public ErrorPages errorPages() {
        return new ErrorPages() {
            @Override
            public boolean serves(Context ctx) {
                return isDashboard(ctx);
            }

            @Override
            public void show(Context ctx, ApiError error) {
                dashboard.error(ctx, error);
            }

            @Override
            public Optional<Page> refusedBeforeRouting(String path, int status, String message) {
                return isDashboard(path) ? Optional.of(new Page(SECURITY_HEADERS,
                        dashboard.refusedBeforeRouting(status, message))) : Optional.empty();
            }
        };
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.before(DashboardRoutes::securityHeaders);
        routes.get("/dashboard", ctx -> Dashboard.redirect(ctx, "/dashboard/customers"));
        routes.get("/dashboard/", ctx -> Dashboard.redirect(ctx, "/dashboard/customers")); // as people type it
        routes.get("/dashboard/static/dashboard.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(stylesheet));
        routes.get("/dashboard/static/favicon.svg", ctx -> ctx.contentType("image/svg+xml").result(icon));
        pages.forEach(page -> page.accept(routes));
    }

    private static boolean isDashboard(Context ctx) {
        return isDashboard(ctx.path());
    }

    private static boolean isDashboard(String path) {
        return path.equals("/dashboard") || path.startsWith("/dashboard/");
    }

    private static void securityHeaders(Context ctx) {
        if (isDashboard(ctx)) {
            SECURITY_HEADERS.forEach(ctx::header);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
