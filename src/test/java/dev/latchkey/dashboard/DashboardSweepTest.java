package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.http.SweepWorld;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sweep over every dashboard route the server has (read from its router, so that a new page is swept by itself once
 * {@link #READS} names what it reads): the dashboard's sibling of the API's BadInputSweepTest and ParameterSweepTest.
 * As a logged-in owner who confirmed their password, each GET gets hostile path parameters (unknown ids, another
 * shop's real ones, over-long values, control characters, escapes that are no UTF-8, dots) and hostile query
 * parameters (every one the page reads and one it does not: oversized, repeated, control characters, forged cursors);
 * each form gets hostile bodies (a field missing, empty, oversized, with control characters, NUL or bytes that are no
 * UTF-8, given twice; an unknown field; another content type; a body past the form limit; no CSRF token, a wrong one
 * or another session's). Every answer is one of a few statuses, never a 5xx, an HTML page (the error page or the form
 * with its error) with no trace of the server's code, and shows nothing of the other shop; a form refused changed
 * nothing (the shop's audit log, import jobs and staff sessions, and the other shop's, count the same).
 */
class DashboardSweepTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(SweepWorld.generousRateLimits());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** 201: a new key or webhook's page, its secret shown once; 409: what cannot be done in the object's state. */
    private static final Set<Integer> ALLOWED = Set.of(200, 201, 303, 400, 403, 404, 405, 409, 413, 414, 415, 422);
    /** The login's forms answer a login refused with 401, the form and its message. */
    private static final Set<Integer> ALLOWED_AT_LOGIN = Set.of(401);
    private static final String NOT_UTF8_ESCAPES = "escaped bytes that are not UTF-8";
    /** What a stack trace or an exception's name leaves on a page. */
    private static final Pattern TRACE = Pattern.compile("Exception|Error:|\\tat |\\bat [a-z]+\\.[a-z]+\\.|"
            + "\\b(java|jakarta|kotlin|io\\.javalin|org\\.eclipse|org\\.jdbi|org\\.h2|org\\.postgresql|dev\\.latchkey)\\.");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Pattern VERSION = Pattern.compile("name=\"version\" value=\"(\\d+)\"");
    private static final Pattern SETTING = Pattern.compile("name=\"shown\\.([^\"]+)\" value=\"([^\"]*)\"");
    /** Long enough to pass any field's limit, within the server's 1 MB form limit. */
    private static final int OVERSIZED = 100_000;
    /** Past the server's form limit (1 MB). */
    private static final int PAST_THE_LIMIT = 1_100_000;
    /** Longer than the request line the server reads (8 KiB). */
    private static final int PAST_THE_REQUEST_LINE = 20_000;
    /**
     * What a URL-encoded form may not hold, refused before any field is read: NUL (which PostgreSQL text cannot hold),
     * and bytes that are not UTF-8 (which would be read as replacement characters). A file's part may hold any byte.
     */
    private static final Set<String> UNREADABLE = Set.of("NUL", "bytes that are not UTF-8", "a lone surrogate");
    /** Numbers and days at and past the ends of what a field or filter can hold. */
    private static final Map<String, String> EXTREMES = Map.of(
            "a number past 64 bits", "123456789012345678901234567890",
            "a negative number", "-1",
            "the last day of year 9999", "9999-12-31",
            "a day before year 1", "-0001-01-01",
            "a day past year 9999", "+10000-01-01",
            "an instant at the end of year 9999", "9999-12-31T23:59:59.999Z");
    /** Every page's frame reads the notice a redirect names. */
    private static final String NOTICE = "notice";
    private static final String UNKNOWN = "sweep_unknown";
    /** Typed into fields and parameters: never on a page as markup. */
    private static final String MARKUP = "<script>alert(1)";
    private static final String FILE = "file";
    private static final String UPLOAD = "POST /dashboard/imports";
    private static final String SETTINGS = "POST /dashboard/settings";
    private static final String LOGOUT = "POST /dashboard/logout";
    private static final String SHOWN = "shown.";
    private static final List<String> ADDRESS_FIELDS = List.of("first_name", "last_name", "company", "line1", "line2",
            "city", "region", "postal_code", "country", "phone", "tags");

    /**
     * What each dashboard route reads besides {@link #NOTICE}: a GET's query parameters, a form's fields (the settings'
     * come from their page, a setting each). A route of the server missing here fails the sweep's guard.
     */
    private static final Map<String, List<String>> READS = Map.ofEntries(
            entry("GET /dashboard", List.of()),
            entry("GET /dashboard/", List.of()),
            entry("GET /dashboard/static/dashboard.css", List.of()),
            entry("GET /dashboard/static/favicon.svg", List.of()),
            entry("GET /dashboard/login", List.of()),
            entry("POST /dashboard/login", List.of("tenant_id", "email", "password")),
            entry("POST /dashboard/login/mfa", List.of("tenant_id", "code")),
            entry(LOGOUT, List.of()),
            entry("POST /dashboard/confirm", List.of("next", "at", "password")),
            entry("GET /dashboard/account", List.of()),
            entry("POST /dashboard/account/password", List.of("current_password", "new_password")),
            entry("GET /dashboard/customers", List.of("q", "status", "tag", "accepts_marketing", "email_verified",
                    "marketing_state", "cursor")),
            entry("POST /dashboard/customers/bulk", List.of("ids", "action", "tag", "status", "confirm", "back")),
            entry("GET /dashboard/customers/export", List.of("status", "tag", "accepts_marketing", "email_verified",
                    "marketing_state")),
            entry("GET /dashboard/customers/new", List.of()),
            entry("POST /dashboard/customers/new", List.of("email", "first_name", "last_name", "phone",
                    "preferred_language", "accepts_marketing", "tags", "note", "invite")),
            entry("GET /dashboard/customers/{id}", List.of()),
            entry("GET /dashboard/customers/{id}/edit", List.of()),
            entry("POST /dashboard/customers/{id}/edit", List.of("version", "email", "first_name", "last_name",
                    "phone", "preferred_language", "accepts_marketing")),
            entry("GET /dashboard/customers/{id}/export", List.of()),
            entry("POST /dashboard/customers/{id}/tags-note", List.of("version", "tags", "note")),
            entry("POST /dashboard/customers/{id}/status", List.of("status")),
            entry("POST /dashboard/customers/{id}/lockout/reset", List.of()),
            entry("POST /dashboard/customers/{id}/mfa/reset", List.of()),
            entry("POST /dashboard/customers/{id}/passkeys/{pid}/remove", List.of()),
            entry("POST /dashboard/customers/{id}/identities/{iid}/unlink", List.of()),
            entry("POST /dashboard/customers/{id}/sessions/{sid}/revoke", List.of()),
            entry("POST /dashboard/customers/{id}/sessions/revoke-all", List.of()),
            entry("POST /dashboard/customers/{id}/verification/resend", List.of()),
            entry("POST /dashboard/customers/{id}/password-reset", List.of()),
            entry("POST /dashboard/customers/{id}/delete", List.of("confirm")),
            entry("GET /dashboard/customers/{id}/merge", List.of("find")),
            entry("POST /dashboard/customers/{id}/merge", List.of("source_id", "confirm")),
            entry("GET /dashboard/customers/{id}/addresses/new", List.of()),
            entry("POST /dashboard/customers/{id}/addresses/new", ADDRESS_FIELDS),
            entry("GET /dashboard/customers/{id}/addresses/{aid}/edit", List.of()),
            entry("POST /dashboard/customers/{id}/addresses/{aid}/edit", ADDRESS_FIELDS),
            entry("POST /dashboard/customers/{id}/addresses/{aid}/delete", List.of()),
            entry("POST /dashboard/customers/{id}/addresses/{aid}/default", List.of("type")),
            entry("GET /dashboard/orders", List.of("number", "email", "customer_id", "status", "from", "to",
                    "cursor")),
            entry("GET /dashboard/orders/{number}", List.of()),
            entry("GET /dashboard/audit", List.of("type", "customer", "since", "cursor")),
            entry("GET /dashboard/imports", List.of("cursor")),
            entry(UPLOAD, List.of(FILE, "encoding", "on_conflict")),
            entry("GET /dashboard/imports/{id}", List.of()),
            entry("POST /dashboard/imports/{id}/cancel", List.of()),
            entry("GET /dashboard/settings", List.of()),
            entry(SETTINGS, List.of()),
            entry("GET /dashboard/identity-providers", List.of()),
            entry("POST /dashboard/identity-providers", List.of("display_name", "slug", "issuer", "client_id",
                    "authentication", "client_secret", "scopes", "enabled")),
            entry("GET /dashboard/identity-providers/{id}", List.of()),
            entry("POST /dashboard/identity-providers/{id}", List.of("display_name", "issuer", "client_id",
                    "authentication", "client_secret", "apple_team_id", "apple_key_id", "apple_private_key", "scopes",
                    "enabled")),
            entry("POST /dashboard/identity-providers/{id}/enable", List.of()),
            entry("POST /dashboard/identity-providers/{id}/disable", List.of()),
            entry("POST /dashboard/identity-providers/{id}/delete", List.of("confirm")),
            entry("GET /dashboard/mail-templates", List.of("language")),
            entry("GET /dashboard/mail-templates/{template}/{language}", List.of()),
            entry("POST /dashboard/mail-templates/{template}/{language}", List.of("subject", "text", "html")),
            entry("GET /dashboard/mail-templates/{template}/{language}/preview", List.of()),
            entry("POST /dashboard/mail-templates/{template}/{language}/preview", List.of("subject", "text", "html")),
            entry("POST /dashboard/mail-templates/{template}/{language}/restore", List.of("confirm")),
            entry("GET /dashboard/api-keys", List.of("cursor")),
            entry("POST /dashboard/api-keys", List.of("kind", "name", "scopes")),
            entry("POST /dashboard/api-keys/{id}/revoke", List.of()),
            entry("GET /dashboard/webhooks", List.of("cursor")),
            entry("POST /dashboard/webhooks", List.of("url", "events", "description")),
            entry("GET /dashboard/webhooks/{id}", List.of("cursor")),
            entry("POST /dashboard/webhooks/{id}", List.of("url", "events", "description")),
            entry("POST /dashboard/webhooks/{id}/secret", List.of("previous_secret_ttl")),
            entry("POST /dashboard/webhooks/{id}/disable", List.of()),
            entry("POST /dashboard/webhooks/{id}/enable", List.of()),
            entry("POST /dashboard/webhooks/{id}/delete", List.of()),
            entry("GET /dashboard/staff", List.of("cursor")),
            entry("POST /dashboard/staff", List.of("email", "password", "role")),
            entry("POST /dashboard/staff/password", List.of("staff_id", "new_password")),
            entry("POST /dashboard/staff/{id}/role", List.of("role")),
            entry("POST /dashboard/staff/{id}/delete", List.of()),
            entry("POST /dashboard/staff/{id}/mfa/reset", List.of()),
            entry("GET /dashboard/security", List.of()),
            entry("POST /dashboard/security/totp", List.of()),
            entry("POST /dashboard/security/totp/confirm", List.of("code")),
            entry("POST /dashboard/security/recovery-codes", List.of("password", "code")),
            entry("POST /dashboard/security/disable", List.of("password", "code")));
    /**
     * The filters a list refuses when given twice (422, named at the field or on the error page), as the admin API
     * refuses them: which of two a request meant is not guessed. The customer list's {@code tag} is repeatable, as
     * the API's is.
     */
    private static final Map<String, Set<String>> ONCE = Map.of(
            "GET /dashboard/customers", Set.of("q", "status", "accepts_marketing", "email_verified", "marketing_state"),
            "GET /dashboard/customers/export", Set.of("status", "accepts_marketing", "email_verified",
                    "marketing_state"),
            "GET /dashboard/orders", Set.of("email", "customer_id", "status", "from", "to"),
            "GET /dashboard/audit", Set.of("type", "customer", "since"),
            "GET /dashboard/customers/{id}/merge", Set.of("find"));
    /** The routes whose 200 is no page: a stylesheet, an icon, downloads. */
    private static final Set<String> NOT_PAGES = Set.of("GET /dashboard/static/dashboard.css",
            "GET /dashboard/static/favicon.svg", "GET /dashboard/customers/export",
            "GET /dashboard/customers/{id}/export");

    /** One dashboard route of the server, as its router names it. */
    record Route(String method, String template) {
        String name() {
            return method + " " + template;
        }

        boolean form() {
            return method.equals("POST");
        }

        List<String> parameters() {
            List<String> names = new ArrayList<>();
            Matcher m = PATH_PARAMETER.matcher(template);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        /**
         * Forms that end what later cases need come last: a deletion, a password changed (a case let through may
         * change it), then the logout.
         */
        int order() {
            return !form() ? 0 : name().equals(LOGOUT) ? 3
                    : template.endsWith("/delete") || template.endsWith("/password") ? 2 : 1;
        }
    }

    /** One request: its target (as it goes on the wire), body and content type (none when null). */
    record Request(String method, String target, String contentType, byte[] body) {
    }

    /** An answer, read off the socket. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** The shop swept, the other shop whose ids it tries, and the sessions it sends them with. */
    private static final class Sweep {
        final SweepWorld world;
        final SweepWorld other;
        final DashboardClient owner;
        final String csrf;
        /** A live session's CSRF token, of another session of the same owner. */
        final String otherSessionsCsrf;
        final Map<String, String> settings = new LinkedHashMap<>();
        /** Another owner, who logs in afresh for each case of the logout: the swept owner's password may change. */
        final String leaving;

        Sweep() {
            world = new SweepWorld(OWN.api());
            other = SweepWorld.holdingAPasskeyAndAnIdentity(OWN.api(), OWN.server().clock);
            owner = StaffTwoStep.confirmedOwner(OWN.api(), world.shop);
            csrf = owner.get("/dashboard/customers").expect(200).csrf();
            otherSessionsCsrf = StaffTwoStep.owner(OWN.api(), world.shop).get("/dashboard/customers").expect(200)
                    .csrf();
            Matcher setting = SETTING.matcher(owner.get("/dashboard/settings").expect(200).html());
            while (setting.find()) {
                settings.put(setting.group(1), unescape(setting.group(2)));
            }
            assertThat(settings).as("the settings on their page").hasSizeGreaterThan(5);
            leaving = StaffFixtures.addStaff(OWN.api(), world.shop, "owner");
            // an upload let through stays queued, so that no import's events are written while a case runs
            OWN.server().app.importWorker().close();
        }

        /** This shop's real value of a path parameter of {@code template}; {@code of} the other shop's. */
        String value(String template, String name, SweepWorld of) {
            return switch (name) {
                case "number" -> of.orderNumber;
                case "template" -> "verify_email";
                case "language" -> "en";
                case "sid" -> of.sessionId;
                case "pid" -> of.passkeyId;
                case "iid" -> of.identityId;
                case "aid" -> of.customerAddressId;
                case "id" -> id(template, of);
                default -> throw new AssertionError("a real value for {" + name + "} of " + template
                        + ": add it to DashboardSweepTest.Sweep.value");
            };
        }

        /** The real {@code {id}} of {@code template}'s kind of object in {@code of}. */
        private static String id(String template, SweepWorld of) {
            if (template.contains("/addresses")) {
                return of.customerId; // the customer the merchant made, whose book holds the address
            }
            String owner = template.substring(0, template.indexOf("/{id}"));
            return switch (owner) {
                // the shopper, whose session the sweep tries to revoke
                case "/dashboard/customers" -> of.shopper.customerId();
                case "/dashboard/webhooks" -> of.webhookId;
                case "/dashboard/staff" -> of.supportId;
                case "/dashboard/api-keys" -> of.apiKeyId;
                case "/dashboard/imports" -> of.importId;
                case "/dashboard/identity-providers" -> of.identityProviderId;
                default -> throw new AssertionError("a real id for the paths under " + owner
                        + ": add it to DashboardSweepTest.Sweep.value");
            };
        }

        String path(String template, String name, String wire) {
            Matcher m = PATH_PARAMETER.matcher(template);
            StringBuilder path = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(path, Matcher.quoteReplacement(m.group(1).equals(name) ? wire
                        : value(template, m.group(1), world)));
            }
            return m.appendTail(path).toString();
        }

        /**
         * A value the form takes for {@code field}; the settings as their page shows them. Passwords are the owner's
         * own, so that a change let through changes nothing the rest of the sweep needs.
         */
        List<Map.Entry<String, byte[]>> form(Route route) {
            List<Map.Entry<String, byte[]>> form = new ArrayList<>();
            if (route.name().equals(SETTINGS)) {
                settings.forEach((name, shown) -> {
                    form.add(field(SHOWN + name, shown));
                    if (!shown.isEmpty()) {
                        form.add(field(name, shown));
                    }
                });
            }
            for (String field : READS.get(route.name())) {
                form.add(field(field, sample(route, field)));
            }
            return form;
        }

        private String sample(Route route, String field) {
            boolean login = route.template().startsWith("/dashboard/login");
            return switch (field) {
                case "tenant_id" -> world.shop.id();
                case "email" -> login ? world.shop.ownerEmail() : Fixtures.uniqueEmail();
                case "password", "current_password", "new_password" -> world.shop.ownerPassword();
                case "code" -> "123456";
                case "next" -> "staff";
                case "at" -> "";
                case "confirm" -> "yes";
                // no customer: a merge the sweep let through would erase one
                case "source_id" -> UNKNOWN;
                case "status" -> "active";
                case "role" -> "support";
                case "staff_id" -> world.supportId;
                case "version" -> version();
                case "kind" -> "secret";
                case "name", "display_name", "description", "note", "first_name", "last_name", "company" -> "Sweep";
                case "line1" -> "1 Sweep Street";
                case "line2", "region" -> "";
                case "city" -> "Berlin";
                case "postal_code" -> "10115";
                case "country" -> "DE";
                case "type" -> "both";
                case "scopes" -> route.template().contains("api-keys") ? "customers:read" : "openid email";
                case "tags" -> route.template().contains("/addresses") ? "SHIPPING" : "vip";
                case "phone" -> "+15555550100";
                case "preferred_language" -> "en";
                case "accepts_marketing", "invite" -> "yes";
                case "enabled" -> "on";
                case "slug" -> "sweep" + Long.toHexString(System.nanoTime());
                case "issuer" -> "https://id.example.com";
                case "client_id" -> "sweep";
                case "client_secret" -> "s3cret";
                case "authentication" -> "client_secret";
                case "apple_team_id", "apple_key_id", "apple_private_key" -> "";
                case "url" -> "https://hooks.example.com/sweep";
                case "events" -> "customer.created";
                case "previous_secret_ttl" -> "0";
                case "subject" -> "Verify {{email}}";
                case "text" -> "Open {{link}}";
                case "html" -> "<p><a href=\"{{link}}\">Verify</a></p>";
                case "encoding" -> "utf-8";
                case "on_conflict" -> "skip";
                case "ids" -> world.shopper.customerId();
                case "action" -> "add_tag";
                case "tag" -> "sweep";
                case "back" -> "q=&status=active";
                case FILE -> new String(SweepWorld.importFile(), StandardCharsets.UTF_8);
                default -> throw new AssertionError("a value for the field " + field + " of " + route.name()
                        + ": add it to DashboardSweepTest.Sweep.sample");
            };
        }

        /** The customer's version as their edit form has it: an older one is a conflict, which reads no field. */
        private String version() {
            Matcher version = VERSION.matcher(owner.get("/dashboard/customers/" + world.shopper.customerId() + "/edit")
                    .expect(200).html());
            assertThat(version.find()).as("the version on the edit form").isTrue();
            return version.group(1);
        }

        /** The session a route's requests go with: the login's own, a fresh one to log out, else the owner's. */
        Session session(Route route) {
            if (route.template().startsWith("/dashboard/login")) {
                DashboardClient anonymous = new DashboardClient(OWN.api().baseUrl());
                String token = anonymous.get("/dashboard/login").expect(200).csrf();
                String othersToken = new DashboardClient(OWN.api().baseUrl()).get("/dashboard/login").expect(200)
                        .csrf();
                return new Session(anonymous.cookies(), token, othersToken);
            }
            if (route.name().equals(LOGOUT)) {
                DashboardClient own = StaffTwoStep.loggedIn(OWN.api().baseUrl(), world.shop.id(), leaving,
                        Fixtures.PASSWORD);
                return new Session(own.cookies(), own.get("/dashboard/customers").expect(200).csrf(), csrf);
            }
            return new Session(owner.cookies(), csrf, otherSessionsCsrf);
        }
    }

    /** Cookies to send, the CSRF token of their session, and that of another session. */
    record Session(Map<String, String> cookies, String csrf, String othersCsrf) {
    }

    private static Sweep sweep;

    /** Made once per server, for the factory and the guard to share. */
    private static synchronized Sweep sweep() {
        if (sweep == null || sweep.world.api != OWN.api()) {
            sweep = new Sweep();
        }
        return sweep;
    }

    @TestFactory
    List<DynamicContainer> everyDashboardRouteWhenSentHostileInputThenAPageOfAnAllowedStatusAndNothingChanged() {
        Sweep s = sweep();
        return routes().stream().sorted(Comparator.comparingInt(Route::order))
                .map(route -> DynamicContainer.dynamicContainer(route.name(), cases(s, route))).toList();
    }

    @Test
    void sweepWhenRouterReadThenEveryDashboardRouteIsInTheTableAndNoMore() {
        List<String> routes = routes().stream().map(Route::name).toList();
        assertThat(routes).as("the dashboard's routes (add a new one to DashboardSweepTest.READS)")
                .containsExactlyInAnyOrderElementsOf(READS.keySet());
        assertThat(OWN.server().app.routes()).filteredOn(r -> r.contains(" /dashboard"))
                .allMatch(r -> r.matches("(GET|HEAD|POST|BEFORE\\w*|AFTER\\w*) .*"), "a method the sweep knows");
        Sweep s = sweep();
        Route customer = new Route("POST", "/dashboard/customers/{id}/delete");
        assertThat(s.value(customer.template(), "id", s.other)).startsWith("cus_")
                .isNotEqualTo(s.value(customer.template(), "id", s.world));
        assertThat(cases(s, customer)).as("the cases of a form").hasSizeGreaterThan(30);
        assertThat(cases(s, new Route("GET", "/dashboard/orders"))).as("the cases of the orders' list")
                .hasSizeGreaterThan(80);
    }

    private static List<Route> routes() {
        // HEAD is answered as GET is; handlers before and after are no routes
        return OWN.server().app.routes().stream().filter(r -> r.contains(" /dashboard"))
                .filter(r -> r.startsWith("GET ") || r.startsWith("POST "))
                .map(r -> new Route(r.substring(0, r.indexOf(' ')), r.substring(r.indexOf(' ') + 1))).distinct()
                .toList();
    }

    // --- the cases ---

    private static List<DynamicNode> cases(Sweep s, Route route) {
        List<DynamicNode> tests = new ArrayList<>();
        String path = s.path(route.template(), "", "");
        // what no form or link of the dashboard sends: the error page for a method the path does not answer
        tests.add(test(s, route, "PUT", session -> {
            Request valid = request(s, route, session, path);
            return new Request("PUT", path, valid.contentType(), valid.body());
        }, false, res -> assertThat(res.status()).as("status of %s", res.body()).isEqualTo(405)));
        pathCases(s, route, tests);
        if (route.form()) {
            formCases(s, route, tests);
        } else {
            queryCases(s, route, tests);
        }
        return tests;
    }

    /** Each path parameter: values that name nothing of the shop, and the other shop's real object. */
    private static void pathCases(Sweep s, Route route, List<DynamicNode> tests) {
        for (String name : route.parameters()) {
            String real = s.value(route.template(), name, s.world);
            String prefix = real.contains("_") ? real.substring(0, real.indexOf('_') + 1) : "";
            Map<String, String> hostile = new LinkedHashMap<>();
            hostile.put("unknown", prefix + "Zz0123456789unknown");
            hostile.put("1,000 characters", real + "x".repeat(1_000));
            hostile.put(PAST_THE_REQUEST_LINE + " characters", "x".repeat(PAST_THE_REQUEST_LINE));
            hostile.put("a control character", real + "%01");
            hostile.put("a line break", real + "%0D%0A");
            hostile.put("NUL", real + "%00");
            hostile.put(NOT_UTF8_ESCAPES, real + "%C3%28%FF");
            hostile.put("a malformed escape", real + "%zz");
            hostile.put("..", "..");
            hostile.put("encoded dots", "%2E%2E");
            hostile.put("an encoded slash", real + "%2F..%2F" + real);
            hostile.put("markup", "%3Cscript%3Ealert(1)");
            hostile.forEach((label, wire) -> tests.add(test(s, route, name + " " + label,
                    session -> request(s, route, session, s.path(route.template(), name, wire)), false,
                    !label.equals(NOT_UTF8_ESCAPES) ? res -> {
                    } : res -> {
                        // refused before any route, but on a path the server could read: the error page
                        assertThat(res.status()).as("status of %s", res.body()).isEqualTo(400);
                        assertThat(res.header("Content-Type")).as("type of %s", res.body()).startsWith("text/html");
                        assertThat(res.header("Content-Security-Policy")).isEqualTo(DashboardRoutes.CSP);
                    })));
            String theirs = s.value(route.template(), name, s.other);
            if (!theirs.equals(real)) {
                tests.add(test(s, route, name + " of the other shop",
                        session -> request(s, route, session, s.path(route.template(), name, theirs)), true,
                        res -> assertThat(res.status()).as("status of %s", res.body()).isEqualTo(404)));
            }
        }
    }

    /** The path with this shop's real ids, and the route's form where it has one. */
    private static Request request(Sweep s, Route route, Session session, String target) {
        if (!route.form()) {
            return new Request("GET", target, null, null);
        }
        return encoded(route, target, withCsrf(s.form(route), session.csrf()));
    }

    private static void queryCases(Sweep s, Route route, List<DynamicNode> tests) {
        String path = s.path(route.template(), "", "");
        tests.add(test(s, route, "as it is", session -> get(path), false, res -> assertThat(res.status())
                .as("status of %s", res.body()).isIn(200, 303)));
        // refused before any route reads it, whichever parameter it is
        tests.add(test(s, route, "a query of " + PAST_THE_REQUEST_LINE + " characters",
                session -> get(path + "?" + UNKNOWN + "=" + "x".repeat(PAST_THE_REQUEST_LINE)), false, res -> {
                }));
        List<String> names = new ArrayList<>(READS.get(route.name()));
        names.add(NOTICE);
        names.add(UNKNOWN);
        for (String name : names) {
            Map<String, String> hostile = new LinkedHashMap<>();
            hostile.put("4,000 characters", "x".repeat(4_000));
            hostile.put("given twice", "a&" + name + "=b");
            hostile.put("empty", "");
            hostile.put("a control character", "a%01b");
            hostile.put("a line break and escape", "a%0D%0A%1Bb");
            hostile.put("NUL", "a%00b");
            hostile.put("a malformed escape", "%zz");
            hostile.put("half an escape", "a%4");
            hostile.put(NOT_UTF8_ESCAPES, "%C3%28%FF");
            hostile.put("markup", "%3Cscript%3Ealert(1)%3C%2Fscript%3E");
            hostile.put("an escaped lone surrogate", "%ED%A0%80");
            EXTREMES.forEach((label, value) -> hostile.put(label, Dashboard.encode(value)));
            if (name.equals("cursor")) {
                hostile.put("garbage", "garbage");
                hostile.put("forged", "eyJhIjoxfQ"); // base64url of {"a":1}
                hostile.put("of another list", anotherListsCursor(s, route));
            }
            boolean once = ONCE.getOrDefault(route.name(), Set.of()).contains(name);
            hostile.forEach((label, wire) -> tests.add(test(s, route, name + " " + label,
                    session -> get(path + "?" + name + "=" + wire), false, !(once && label.equals("given twice"))
                            ? res -> {
                            } : res -> assertThat(res.status()).as("status of %s", res.body()).isEqualTo(422))));
            theirs(s, name).forEach(value -> tests.add(test(s, route, name + " of the other shop",
                    session -> get(path + "?" + name + "=" + Dashboard.encode(value)), true, res -> {
                    })));
        }
    }

    /** The other shop's values of a parameter or field that names an object: what must find nothing of it. */
    private static List<String> theirs(Sweep s, String name) {
        return switch (name) {
            case "customer_id" -> List.of(s.other.shopper.customerId());
            case "customer" -> List.of(s.other.shopper.customerId(), s.other.shopper.email());
            case "q", "email" -> List.of(s.other.shopper.email());
            case "number" -> List.of(s.other.orderNumber);
            case "staff_id" -> List.of(s.other.supportId);
            default -> List.of();
        };
    }

    /** A real cursor of the admin API's staff list (of webhooks, on the staff page). */
    private static String anotherListsCursor(Sweep s, Route route) {
        String other = route.template().equals("/dashboard/staff") ? "/v1/admin/webhooks" : "/v1/admin/staff";
        String cursor = s.world.api.get(other + "?limit=1").bearer(s.world.sk()).send().expect(200).body()
                .path("next_cursor").asText("");
        assertThat(cursor).as("%s has a second page", other).isNotEmpty();
        return cursor;
    }

    private static void formCases(Sweep s, Route route, List<DynamicNode> tests) {
        String path = s.path(route.template(), "", "");
        Consumer<Answer> refusedAsForged = res -> assertThat(res.status()).as("status of %s", res.body())
                .isEqualTo(403);
        // the token: none, a wrong one, another session's, given twice with the wrong one first
        tests.add(test(s, route, "no CSRF token", session -> encoded(route, path, s.form(route)), false, refusedAsForged));
        tests.add(test(s, route, "a wrong CSRF token", session -> encoded(route, path, withCsrf(s.form(route),
                "0".repeat(64))), false, refusedAsForged));
        tests.add(test(s, route, "another session's CSRF token", session -> encoded(route, path,
                withCsrf(s.form(route), session.othersCsrf())), false, refusedAsForged));
        tests.add(test(s, route, "the CSRF token given twice, a wrong one first", session -> {
            List<Map.Entry<String, byte[]>> form = withCsrf(s.form(route), "0".repeat(64));
            form.add(field(Dashboard.CSRF_FIELD, session.csrf()));
            return encoded(route, path, form);
        }, false, refusedAsForged));

        // what is no form of this route's kind
        Function<Session, List<Map.Entry<String, byte[]>>> valid = session -> withCsrf(s.form(route), session.csrf());
        tests.add(test(s, route, "JSON", session -> new Request("POST", path, "application/json",
                json(valid.apply(session))), false, refused()));
        tests.add(test(s, route, "text/plain", session -> new Request("POST", path, "text/plain; charset=utf-8",
                urlEncoded(valid.apply(session))), false, refused()));
        tests.add(test(s, route, "no content type", session -> new Request("POST", path, null, urlEncoded(valid.apply(session))),
                false, refused()));
        if (route.name().equals(UPLOAD)) {
            tests.add(test(s, route, "URL-encoded", session -> new Request("POST", path,
                    "application/x-www-form-urlencoded", urlEncoded(valid.apply(session))), false, refused()));
            tests.add(test(s, route, "multipart without a boundary", session -> new Request("POST", path,
                    "multipart/form-data", multipart(valid.apply(session))), false, refused()));
        } else {
            tests.add(test(s, route, "multipart", session -> new Request("POST", path,
                    "multipart/form-data; boundary=" + BOUNDARY, multipart(valid.apply(session))), false, refused()));
            tests.add(test(s, route, "URL-encoded in Latin-1", session -> new Request("POST", path,
                    "application/x-www-form-urlencoded; charset=iso-8859-1", urlEncoded(valid.apply(session))), false,
                    refused()));
            tests.add(test(s, route, "past the form limit", session -> {
                List<Map.Entry<String, byte[]>> form = valid.apply(session);
                form.add(field(UNKNOWN, "x".repeat(PAST_THE_LIMIT)));
                return encoded(route, path, form);
            }, false, refused()));
        }

        // the body
        tests.add(test(s, route, "empty", session -> new Request("POST", path, contentType(route), new byte[0]), false,
                res -> {
                }));
        tests.add(test(s, route, "the CSRF token alone", session -> encoded(route, path,
                withCsrf(new ArrayList<>(), session.csrf())), false, res -> {
                }));
        tests.add(test(s, route, "an unknown field", session -> {
            List<Map.Entry<String, byte[]>> form = valid.apply(session);
            form.add(field(UNKNOWN, "1"));
            return encoded(route, path, form);
        }, false, res -> {
        }));
        tests.add(test(s, route, "a field name holding NUL and bytes that are not UTF-8", session -> {
            List<Map.Entry<String, byte[]>> form = valid.apply(session);
            form.add(Map.entry("a\0\u00ff", bytes(0xC3, 0x28)));
            return encoded(route, path, form);
        }, false, refused()));
        for (String name : fieldNames(s, route)) {
            // an id only: the other shop's email typed into a form that stores it would be ours to show from then on
            theirs(s, name).stream().filter(value -> name.endsWith("_id")).forEach(value -> tests.add(test(s, route,
                    name + " of the other shop", session -> {
                List<Map.Entry<String, byte[]>> form = without(valid.apply(session), name);
                form.add(field(name, value));
                return encoded(route, path, form);
            }, true, res -> assertThat(res.status()).as("status of %s", res.body()).isEqualTo(404))));
            if (name.startsWith(SHOWN)) {
                continue; // a setting as its page showed it: only compared with the setting, which gets the cases
            }
            Map<String, byte[]> hostile = new LinkedHashMap<>();
            hostile.put("empty", new byte[0]);
            hostile.put(OVERSIZED + " characters", "x".repeat(OVERSIZED).getBytes(StandardCharsets.UTF_8));
            hostile.put("control characters", "a\u0001\u001b\r\n\tb\u007f".getBytes(StandardCharsets.UTF_8));
            hostile.put("NUL", "a\0b".getBytes(StandardCharsets.UTF_8));
            hostile.put("bytes that are not UTF-8", bytes('a', 0xC3, 0x28, 0xFF, 0xFE, 'b'));
            hostile.put("markup", (MARKUP + "</script>\"'&").getBytes(StandardCharsets.UTF_8));
            hostile.put("a lone surrogate", bytes(0xED, 0xA0, 0x80));
            EXTREMES.forEach((label, value) -> hostile.put(label, value.getBytes(StandardCharsets.UTF_8)));
            tests.add(test(s, route, name + " missing", session -> encoded(route, path,
                    without(valid.apply(session), name)), false, res -> {
            }));
            hostile.forEach((label, value) -> tests.add(test(s, route, name + " " + label, session -> {
                List<Map.Entry<String, byte[]>> form = without(valid.apply(session), name);
                form.add(Map.entry(name, value));
                return encoded(route, path, form);
            }, false, UNREADABLE.contains(label) && !route.name().equals(UPLOAD) ? refused() : res -> {
            })));
            tests.add(test(s, route, name + " given twice", session -> {
                List<Map.Entry<String, byte[]>> form = valid.apply(session);
                form.add(field(name, "sweep-other"));
                return encoded(route, path, form);
            }, false, res -> {
            }));
            if (!route.name().equals(UPLOAD)) {
                // as no browser sends them: bytes not escaped, an escape that is none
                Map.of("as raw bytes that are not UTF-8", bytes(0xC3, 0x28, 0xFF),
                        "with a malformed escape", "a%zz".getBytes(StandardCharsets.US_ASCII)).forEach((label, raw) ->
                        tests.add(test(s, route, name + " " + label, session -> {
                            Request request = encoded(route, path, without(valid.apply(session), name));
                            var body = new ByteArrayOutputStream();
                            body.writeBytes(request.body());
                            body.writeBytes(("&" + name + "=").getBytes(StandardCharsets.US_ASCII));
                            body.writeBytes(raw);
                            return new Request("POST", path, request.contentType(), body.toByteArray());
                        }, false, refused())));
            }
        }
    }

    /** The fields a route's form sends, its CSRF token aside. */
    private static List<String> fieldNames(Sweep s, Route route) {
        return s.form(route).stream().map(Map.Entry::getKey).distinct().toList();
    }

    private static Consumer<Answer> refused() {
        return res -> assertThat(res.status()).as("status of %s", res.body()).isBetween(400, 499);
    }

    // --- one request, and what every answer must be ---

    /**
     * One request, made when the test runs (with the sessions as they are then). Every answer has an allowed status,
     * is a page with no trace of the server's code and nothing of the other shop; a form refused changed nothing of
     * the shop (nor of the other shop, where {@code crossShop}): failures are recorded, as refused logins are, so
     * they are not counted.
     */
    private static DynamicTest test(Sweep s, Route route, String name, Function<Session, Request> request,
                                    boolean crossShop, Consumer<Answer> expectation) {
        return DynamicTest.dynamicTest(name, () -> {
            Session session = s.session(route);
            Request r = request.apply(session);
            long ours = route.form() ? changes(s.world) : 0;
            long others = crossShop ? changes(s.other) : 0;
            Answer res = send(session, r);
            try {
                boolean login = route.template().startsWith("/dashboard/login");
                assertThat(res.status()).as("status of %s %s: %s", r.method(), shorter(r.target()), res.body())
                        .isIn(login ? union(ALLOWED, ALLOWED_AT_LOGIN) : ALLOWED);
                assertThat(TRACE.matcher(res.body()).find()).as("a trace of the code in %s", res.body()).isFalse();
                // what the server refuses before any route too (NUL, a malformed escape, a request line past its
                // buffer): the dashboard's error page, however little of the path it could read
                if (res.status() != 303) {
                    assertThat(res.body()).as("the answer's body").isNotBlank();
                    if (!(res.status() == 200 && NOT_PAGES.contains(route.name()))) {
                        assertThat(res.header("Content-Type")).as("type of %s", res.body()).startsWith("text/html");
                        assertThat(res.body()).contains("<html");
                    }
                }
                assertThat(res.body()).as("the answer, with what was typed escaped").doesNotContain(MARKUP);
                untyped(s.other, r).forEach(theirs -> assertThat(res.body())
                        .as("the answer, showing nothing of the other shop").doesNotContain(theirs));
                expectation.accept(res);
                if (route.form() && res.status() >= 400) {
                    assertThat(changes(s.world)).as("the shop's changes").isEqualTo(ours);
                }
                if (crossShop) {
                    assertThat(changes(s.other)).as("the other shop's changes")
                            .isEqualTo(others);
                }
            } catch (AssertionError e) {
                throw new AssertionError(route.name() + ", " + name + " (" + res.status() + "): " + e.getMessage(), e);
            }
        });
    }

    /**
     * What only the other shop's data holds (its id, its owner's and shopper's email, the shopper's id), but for what
     * the request itself carried, which a form or filter shows back as typed.
     */
    private static List<String> untyped(SweepWorld other, Request r) {
        String sent = r.target() + (r.body() == null ? "" : new String(r.body(), StandardCharsets.ISO_8859_1));
        return Stream.of(other.shop.id(), other.shop.ownerEmail(), other.shopper.email(), other.shopper.customerId())
                .filter(theirs -> !sent.contains(theirs) && !sent.contains(Dashboard.encode(theirs))
                        && !sent.contains(escape(theirs.getBytes(StandardCharsets.UTF_8))))
                .toList();
    }

    /**
     * What a refused form must not have added: the shop's audit events that record a change (a refusal may record
     * itself), its import jobs (queued unrecorded) and its staff's sessions (a login's).
     */
    private static long changes(SweepWorld of) {
        return OWN.server().app.database().read(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM audit_events "
                        + "WHERE tenant_id = :tenant AND type NOT LIKE '%failed' AND type NOT LIKE '%locked') "
                        + "+ (SELECT COUNT(*) FROM customer_imports WHERE tenant_id = :tenant) "
                        + "+ (SELECT COUNT(*) FROM staff_sessions WHERE tenant_id = :tenant)")
                .bind("tenant", of.shop.id()).mapTo(Long.class).one());
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> union = new HashSet<>(a);
        union.addAll(b);
        return union;
    }

    private static Request get(String target) {
        return new Request("GET", target, null, null);
    }

    private static String shorter(String target) {
        return target.length() > 200 ? target.substring(0, 200) + "..." : target;
    }

    /** Sent on a socket of its own, as written: targets and bodies no well-behaved client would send. */
    private static Answer send(Session session, Request r) throws IOException {
        URI base = URI.create(OWN.api().baseUrl());
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            var head = new StringBuilder(r.method() + " " + r.target() + " HTTP/1.1\r\nHost: " + base.getHost()
                    + "\r\nConnection: close\r\n");
            Map<String, String> cookies = session.cookies();
            if (!cookies.isEmpty()) {
                head.append("Cookie: ").append(cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; "))).append("\r\n");
            }
            if (r.contentType() != null) {
                head.append("Content-Type: ").append(r.contentType()).append("\r\n");
            }
            if (r.body() != null) {
                head.append("Content-Length: ").append(r.body().length).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                if (r.body() != null) {
                    out.write(r.body());
                }
                out.flush();
            } catch (IOException answeredEarly) {
                // the server may answer (413) and close before the body is all sent: its answer is still there
            }
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1); // a byte a character, for the offsets
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("an HTTP answer: %s", text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String unchunk(String chunked) {
        var body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    // --- forms ---

    private static final String BOUNDARY = "----DashboardSweepBoundary";

    private static Map.Entry<String, byte[]> field(String name, String value) {
        return Map.entry(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Map.Entry<String, byte[]>> withCsrf(List<Map.Entry<String, byte[]>> form, String csrf) {
        List<Map.Entry<String, byte[]>> with = new ArrayList<>();
        with.add(field(Dashboard.CSRF_FIELD, csrf));
        with.addAll(form);
        return with;
    }

    private static List<Map.Entry<String, byte[]>> without(List<Map.Entry<String, byte[]>> form, String name) {
        return new ArrayList<>(form.stream().filter(f -> !f.getKey().equals(name)).toList());
    }

    private static String contentType(Route route) {
        return route.name().equals(UPLOAD) ? "multipart/form-data; boundary=" + BOUNDARY
                : "application/x-www-form-urlencoded";
    }

    /** The form as the route's own form sends it: URL-encoded, or multipart for the upload. */
    private static Request encoded(Route route, String target, List<Map.Entry<String, byte[]>> form) {
        return new Request("POST", target, contentType(route),
                route.name().equals(UPLOAD) ? multipart(form) : urlEncoded(form));
    }

    /** Every byte but the unreserved ones percent-escaped: bytes that are no UTF-8 go as they are, escaped. */
    private static byte[] urlEncoded(List<Map.Entry<String, byte[]>> form) {
        return form.stream().map(f -> escape(f.getKey().getBytes(StandardCharsets.UTF_8)) + "=" + escape(f.getValue()))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.US_ASCII);
    }

    private static String escape(byte[] value) {
        var out = new StringBuilder();
        for (byte b : value) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", (int) c));
            }
        }
        return out.toString();
    }

    /** The file field as a file (a CSV), the others as plain parts. */
    private static byte[] multipart(List<Map.Entry<String, byte[]>> form) {
        var body = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : form) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\""
                    + (f.getKey().equals(FILE) ? "; filename=\"customers.csv\"\r\nContent-Type: text/csv" : "")
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(f.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] json(List<Map.Entry<String, byte[]>> form) {
        Map<String, String> fields = new LinkedHashMap<>();
        form.forEach(f -> fields.putIfAbsent(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8)));
        try {
            return MAPPER.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static String unescape(String html) {
        return html.replace("&#10;", "\n").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }
}
