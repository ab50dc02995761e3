package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Text;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The owner's settings form: every tenant setting, checked by the same rules as {@code PATCH /v1/admin/settings}, with
 * each refusal shown next to its field. The fields follow the settings document, so a new setting appears by itself.
 * The form also holds each setting as it was shown, and saves only those the owner changed: a form loaded before
 * another change (by a colleague, or through the API) must not put the older values back. The page opens and saves only
 * in a session confirmed lately ({@link GuardedPage#SETTINGS}): the allowed origins decide where the links mailed to
 * shoppers (a password reset's, a verification's) lead, and the passkey domain, staff's second factor, the lockout and
 * the password policy guard every account of the shop.
 */
public final class SettingsPages {
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("access_token_ttl", "Access token lifetime (seconds)"),
            Map.entry("refresh_token_ttl", "Refresh token lifetime (seconds)"),
            Map.entry("session_max_lifetime", "Longest a shopper stays logged in, however often refreshed (seconds)"),
            Map.entry("anonymous_token_ttl", "Guest access token lifetime (seconds)"),
            Map.entry("anonymous_refresh_ttl", "Guest refresh token lifetime (seconds)"),
            Map.entry("require_email_verification", "Require a verified email to log in"),
            Map.entry("require_activation", "New accounts wait for activation by staff"),
            Map.entry("password_min_length", "Minimum password length (8 to 64)"),
            Map.entry("password_reset_ttl", "Password reset link lifetime (seconds)"),
            Map.entry("verification_ttl", "Verification link lifetime (seconds)"),
            Map.entry("allowed_origins", "Allowed origins for links in emails (one per line)"),
            Map.entry("refresh_reuse_grace", "Refresh token reuse grace (seconds, 0 to 300)"),
            Map.entry("cart_merge_strategy", "Cart at login"),
            Map.entry("email_interval", "Minimum seconds between two emails to one address"),
            Map.entry("lockout_threshold", "Failed logins that lock an account"),
            Map.entry("lockout_duration", "First lock duration (seconds; doubles per lock, at most a day)"),
            Map.entry("deletion_requires_confirmation", "Account deletion needs an emailed confirmation"),
            Map.entry("password_min_score", "Least password strength score (0 to 4)"),
            Map.entry("login_codes", "Shoppers may log in with a code sent by email"),
            Map.entry("login_code_ttl", "Emailed login code lifetime (seconds, 60 to 3600)"),
            Map.entry("require_staff_mfa", "Every staff member must use two-step sign-in"),
            Map.entry("passkeys", "Shoppers may add passkeys and log in with them"),
            Map.entry("webauthn_rp_id", "Passkey domain (relying party id, e.g. shop.example; empty: no passkeys)"),
            Map.entry("marketing_double_opt_in", "Marketing email only after the shopper confirms by an emailed link "
                    + "(double opt-in)"),
            Map.entry("staff_impersonation", "Staff with the permission may log in as a customer (15 minutes, "
                    + "recorded)"),
            Map.entry("webauthn_origins", "Origins passkeys are used from (one per line; empty: https:// and the "
                    + "passkey domain)"));
    private static final Map<String, List<String>> CHOICES = Map.of("cart_merge_strategy", List.of("merge", "replace", "keep"));

    /** The prefix of the hidden field that holds a setting as the form showed it. */
    private static final String SHOWN = "shown.";

    /** One form field: {@code kind} is number, checkbox, select or lines; {@code shown} is its value as loaded. */
    public record Field(String name, String label, String kind, String value, boolean checked, List<String> options,
                        String error, String shown) {
        public String shownName() {
            return SHOWN + name;
        }

        public String errorId() {
            return name + "-error";
        }
    }

    public record SettingsPage(Frame frame, List<Field> fields, boolean failed) {
    }

    private final Dashboard dashboard;
    private final TenantService tenants;
    private final Requests requests;

    SettingsPages(Dashboard dashboard, TenantService tenants, Requests requests) {
        this.dashboard = dashboard;
        this.tenants = tenants;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/settings", dashboard.page(this::show));
        routes.post("/dashboard/settings", dashboard.page(this::save));
    }

    private ObjectNode current(String tenantId) {
        return requests.mapper().valueToTree(tenants.settings(tenantId));
    }

    private void show(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.SETTINGS);
        List<Field> fields = new ArrayList<>();
        current(session.principal().tenantId()).fields().forEachRemaining(e -> {
            String value = e.getValue().isArray() ? lines(e.getValue())
                    : e.getValue().isNull() ? "" : e.getValue().asText();
            fields.add(field(e.getKey(), value, e.getValue(), null, e.getValue().isBoolean()
                    ? (e.getValue().asBoolean() ? "on" : "") : value));
        });
        dashboard.render(ctx, 200, "settings.jte",
                new SettingsPage(dashboard.frame(ctx, session, "Settings", "settings"), fields, false));
    }

    private void save(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.SETTINGS);
        String tenantId = session.principal().tenantId();
        ObjectNode current = current(tenantId);
        ObjectNode patch = requests.mapper().createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = current.fields(); it.hasNext(); ) {
            var entry = it.next();
            String shown = ctx.formParam(SHOWN + entry.getKey());
            ObjectNode asShown = requests.mapper().createObjectNode();
            if (shown != null) {
                put(asShown, entry.getKey(), entry.getValue(), shown);
            }
            put(patch, entry.getKey(), entry.getValue(), ctx.formParam(entry.getKey()));
            if (shown != null && patch.get(entry.getKey()).equals(asShown.get(entry.getKey()))) {
                patch.remove(entry.getKey()); // left as it was shown: whatever it is now stays
            }
        }
        try {
            tenants.updateSettings(tenantId, patch, session.principal().actor(), requests.client(ctx));
        } catch (ApiError refused) {
            if (refused.status() != 422) {
                throw refused;
            }
            Map<String, String> errors = refused.errors().stream()
                    .collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a));
            List<Field> fields = new ArrayList<>();
            current.fields().forEachRemaining(e -> fields.add(field(e.getKey(), submitted(ctx, e.getKey(), e.getValue()),
                    e.getValue(), errors.get(e.getKey()), Objects.requireNonNullElse(ctx.formParam(SHOWN + e.getKey()),
                            ""))));
            dashboard.render(ctx, 422, "settings.jte",
                    new SettingsPage(dashboard.frame(ctx, session, "Settings", "settings"), fields, true));
            return;
        }
        Dashboard.redirect(ctx, "/dashboard/settings?notice=" + Notice.SETTINGS_SAVED.wire());
    }

    /**
     * The form's value as the setting's JSON type; a number that does not parse goes in as text, to be refused. Each
     * line of the origins goes in as typed, blank ones left out, to be judged (and trimmed) as the API judges them.
     */
    private static void put(ObjectNode patch, String name, JsonNode type, String raw) {
        String value = raw == null ? "" : Text.trim(raw);
        if (type.isBoolean()) {
            patch.put(name, "on".equals(value));
        } else if (type.isArray()) {
            ArrayNode origins = patch.putArray(name);
            // lines as a textarea sends them (CR LF); other characters that \R takes for line breaks are no separators
            Arrays.stream(raw == null ? new String[0] : raw.split("\r\n|\r|\n")).filter(s -> !Text.isBlank(s))
                    .forEach(origins::add);
        } else if (type.isNumber()) {
            Text.wholeNumber(value).ifPresentOrElse(number -> patch.put(name, number), () -> patch.put(name, value));
        } else if (type.isNull() || type.isTextual() && !CHOICES.containsKey(name)) {
            if (value.isEmpty()) {
                patch.putNull(name); // a text setting left empty is unset
            } else {
                patch.put(name, value);
            }
        } else {
            patch.put(name, value);
        }
    }

    private static String submitted(Context ctx, String name, JsonNode type) {
        String raw = ctx.formParam(name);
        return type.isBoolean() ? String.valueOf("on".equals(raw)) : raw == null ? "" : raw;
    }

    private static Field field(String name, String value, JsonNode type, String error, String shown) {
        String kind = type.isBoolean() ? "checkbox" : CHOICES.containsKey(name) ? "select"
                : type.isArray() ? "lines" : type.isNull() || type.isTextual() ? "text" : "number";
        return new Field(name, LABELS.getOrDefault(name, name.replace('_', ' ')), kind, value,
                "true".equals(value), CHOICES.getOrDefault(name, List.of()), error, shown);
    }

    private static String lines(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return String.join("\n", out);
    }
}
