package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.mail.BuiltInTemplates;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.TemplateSource;
import dev.latchkey.mail.Wording;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The shop's notifications: every message Latchkey mails, in every language the shop has text for, with its own
 * wording or the shipped one; a message's subject, text and HTML changed, previewed and set back to the shipped text.
 * The same service and rules as {@code /v1/admin/mail-templates}, and the same permission, {@code manage_templates}
 * (the owner's): the form is read as that PUT's body, so what it refuses is refused here, shown at its field with the
 * text as typed, and nothing is saved.
 * <p>
 * An email's form opens and saves only in a session confirmed lately ({@link GuardedPage#MAIL_TEMPLATES}): a text may
 * put a shopper's reset or verification token into a link to any site, so whoever sits at an owner's unlocked screen
 * must not write one. The confirmation asked for there leads back to that email's form. The list, the preview and
 * {@code Restore default} ask nothing: the list only reads, a preview renders the typed text and saves nothing, and the
 * shipped text only takes away what the shop wrote (an owner may undo a template they distrust at once).
 */
public final class MailTemplatePages {
    static final String PATH = "/dashboard/mail-templates";
    private static final String ONE = PATH + "/{template}/{language}";
    private static final List<String> PARTS = List.of("subject", "text", "html");

    /** Each message as the merchant knows it: a name and when it is sent. */
    private static final Map<MailTemplate, Described> MESSAGES = new EnumMap<>(Map.ofEntries(
            Map.entry(MailTemplate.VERIFY_EMAIL, new Described("Email verification",
                    "Asks a new customer to confirm their address, at registration or on request.")),
            Map.entry(MailTemplate.PASSWORD_RESET, new Described("Password reset",
                    "A link to set a new password, for a customer who forgot theirs.")),
            Map.entry(MailTemplate.LOGIN_CODE, new Described("Login code",
                    "A six-digit code to log in without a password.")),
            Map.entry(MailTemplate.INVITATION, new Described("Account invitation",
                    "Invites a customer the shop added to choose a password.")),
            Map.entry(MailTemplate.EMAIL_CHANGE_CONFIRM, new Described("Email change confirmation",
                    "Sent to a new address; the change takes effect once it is confirmed.")),
            Map.entry(MailTemplate.EMAIL_CHANGED_NOTICE, new Described("Email changed",
                    "Tells the old address that the account's email changed.")),
            Map.entry(MailTemplate.PASSWORD_CHANGED_NOTICE, new Described("Password changed",
                    "Tells the customer their password was changed.")),
            Map.entry(MailTemplate.ACCOUNT_LOCKED_NOTICE, new Described("Account locked",
                    "Sent when failed logins lock the account for a while.")),
            Map.entry(MailTemplate.DELETION_CONFIRM, new Described("Account deletion confirmation",
                    "A link to confirm that the customer wants their account deleted.")),
            Map.entry(MailTemplate.AGENT_GRANTED_NOTICE, new Described("Shopping agent access",
                    "Tells the customer an AI shopping agent was given access to their account.")),
            Map.entry(MailTemplate.MFA_ENABLED_NOTICE, new Described("Two-step sign-in turned on",
                    "Tells the customer two-step sign-in was set up.")),
            Map.entry(MailTemplate.MFA_DISABLED_NOTICE, new Described("Two-step sign-in turned off",
                    "Tells the customer two-step sign-in was turned off, by them or by the shop.")),
            Map.entry(MailTemplate.PASSKEY_ADDED_NOTICE, new Described("Passkey added",
                    "Tells the customer a passkey was added to their account.")),
            Map.entry(MailTemplate.WAYS_IN_REMOVED_NOTICE, new Described("Ways of signing in removed",
                    "Tells the owner of an address proven for the first time which ways of signing in set up before "
                            + "were removed.")),
            Map.entry(MailTemplate.MARKETING_CONFIRMATION, new Described("Marketing email confirmation",
                    "With double opt-in on: a link the customer opens to confirm they want marketing email."))));

    private static final Map<String, String> PLACEHOLDERS = Map.ofEntries(
            Map.entry("shop_name", "the shop's name"),
            Map.entry("email", "the address the mail goes to"),
            Map.entry("first_name", "the customer's first name; empty unless the address is verified"),
            Map.entry("last_name", "the customer's last name; empty unless the address is verified"),
            Map.entry("link", "the link to follow; empty when the shop has no allowed origin"),
            Map.entry("token", "the single-use token (the six-digit code of a login code)"),
            Map.entry("expires_in", "how long the link or code works, in words (\"15 minutes\", \"1 day\")"),
            Map.entry("new_email", "the new address"),
            Map.entry("changed_by_shop", "not empty when the shop made the change"),
            Map.entry("locked_until", "when the lock ends (UTC)"),
            Map.entry("agent_name", "the agent's name; empty unless the address is verified"),
            Map.entry("agent_scope", "what the agent may do"),
            Map.entry("expires_at", "when the agent's access ends (UTC)"),
            Map.entry("passkeys_removed", "not empty when passkeys were removed"),
            Map.entry("mfa_removed", "not empty when two-step sign-in was turned off"),
            Map.entry("linked_accounts_removed", "not empty when linked accounts of other providers were unlinked"),
            Map.entry("agents_removed", "not empty when AI shopping agents' access ended"));

    record Described(String name, String purpose) {
    }

    /** One message on the list: whether each language has the shop's own text, and since when. */
    public record Row(String template, String name, String purpose, List<Cell> cells) {
    }

    public record Cell(String path, String language, boolean customised, Instant updatedAt) {
    }

    /** {@code language}: the one typed to add, kept with its refusal ({@code languageError}), or "". */
    public record ListPage(Frame frame, List<String> languages, List<Row> rows, String language,
                           String languageError) {
    }

    public record Placeholder(String name, String meaning) {
    }

    /** The three parts as shown in the form, with what refused them. */
    public record TemplateForm(String subject, String text, String html, List<FieldError> errors) {
        /** Every refusal of {@code field}, one after another; null when it has none. */
        public String errorFor(String field) {
            String messages = errors.stream().filter(e -> e.field().equals(field)).map(FieldError::message)
                    .collect(Collectors.joining(" "));
            return messages.isEmpty() ? null : messages;
        }
    }

    /** The message rendered with made-up values: subject, text part and the HTML part as sent. */
    public record Preview(String subject, String text, String html) {
    }

    /**
     * One message in one language: {@code customised} since {@code updatedAt}, else the shipped text in
     * {@code shippedLanguage} (another language's for a language Latchkey does not ship). {@code preview} is null when
     * the form was refused.
     */
    public record TemplatePage(Frame frame, String path, String template, String name, String purpose,
                               String language, boolean customised, Instant updatedAt, String shippedLanguage,
                               List<Placeholder> placeholders, TemplateForm form, Preview preview) {
    }

    private final Dashboard dashboard;
    private final MailTemplates templates;
    private final TenantService tenants;
    private final Requests requests;

    MailTemplatePages(Dashboard dashboard, MailTemplates templates, TenantService tenants, Requests requests) {
        this.dashboard = dashboard;
        this.templates = templates;
        this.tenants = tenants;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(PATH, dashboard.page(this::list));
        routes.get(ONE, dashboard.page(this::edit));
        routes.post(ONE, dashboard.page(this::save));
        routes.post(ONE + "/preview", dashboard.page(this::preview));
        // the address a preview's answer leaves in the browser, opened again: the email's page
        routes.get(ONE + "/preview", dashboard.page(ctx -> Dashboard.redirect(ctx,
                path(template(ctx), MailTemplates.language(ctx.pathParam("language"))))));
        routes.post(ONE + "/restore", dashboard.page(this::restore));
    }

    /** The email's form: in a session confirmed lately only, else the confirmation, which leads back to it. */
    private DashboardSession editing(Context ctx) {
        return dashboard.requireConfirmedAt(ctx, GuardedPage.MAIL_TEMPLATES,
                ctx.pathParam("template") + "/" + ctx.pathParam("language"));
    }

    /** The form of the email {@code template/language}, where a confirmation leads back to; empty for no such email. */
    static Optional<String> editor(String at) {
        String[] parts = at.split("/", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            String language = MailTemplates.language(parts[1]);
            return MailTemplate.fromWire(parts[0]).map(template -> path(template, language));
        } catch (ApiError notATag) {
            return Optional.empty();
        }
    }

    /**
     * Every message in the shipped languages and those the shop wrote its own text in, and in {@code ?language=}, a
     * language to add (its column leads to the forms that give it text).
     */
    private void list(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.require(ctx), Permission.MANAGE_TEMPLATES);
        var own = templates.list(session.principal().tenantId());
        Set<String> languages = new LinkedHashSet<>(BuiltInTemplates.LANGUAGES);
        own.stream().map(MailTemplates.View::language).collect(Collectors.toCollection(TreeSet::new))
                .forEach(languages::add);
        String typed = Dashboard.filterField(ctx, "language");
        String languageError = null;
        if (!typed.isEmpty()) {
            try {
                languages.add(MailTemplates.language(typed));
            } catch (ApiError notATag) {
                languageError = "Not a language tag: use one such as fr or pt-br.";
            }
        }
        List<Row> rows = Arrays.stream(MailTemplate.values()).map(template -> new Row(template.wire(),
                MESSAGES.get(template).name(), MESSAGES.get(template).purpose(), languages.stream().map(language -> {
                    var override = own.stream().filter(v -> v.template().equals(template.wire())
                            && v.language().equals(language)).findFirst();
                    return new Cell(path(template, language), language, override.isPresent(),
                            override.map(MailTemplates.View::updatedAt).orElse(null));
                }).toList())).toList();
        dashboard.render(ctx, languageError == null ? 200 : 422, "mail-templates.jte", new ListPage(
                dashboard.frame(ctx, session, "Notifications", "mail-templates"), List.copyOf(languages), rows,
                typed, languageError));
    }

    /** The text in force, in the form and previewed. */
    private void edit(Context ctx) {
        DashboardSession session = editing(ctx);
        MailTemplate template = template(ctx);
        var view = templates.draft(session.principal().tenantId(), template, ctx.pathParam("language"));
        var source = new TemplateSource(view.subject(), view.text(), view.html());
        var form = new TemplateForm(source.subject(), source.text(), source.html(), List.of());
        try {
            show(ctx, session, 200, template, view, form, preview(session, template, view.language(), source));
        } catch (ApiError refused) {
            // stored before a rule that now refuses it: shown with the reasons, to be corrected
            show(ctx, session, 200, template, view, refusedForm(source, refused), null);
        }
    }

    private void save(Context ctx) {
        DashboardSession session = editing(ctx);
        MailTemplate template = template(ctx);
        String language = MailTemplates.language(ctx.pathParam("language"));
        try {
            templates.put(session.principal().tenantId(), template, language, TemplateSource.from(typed(ctx)),
                    session.principal().actor(), requests.client(ctx));
        } catch (ApiError refused) {
            showTyped(ctx, session, template, language, refused);
            return;
        }
        Dashboard.redirect(ctx, path(template, language) + "?notice=" + Notice.MAIL_TEMPLATE_SAVED.wire());
    }

    /** The form as typed, previewed and not saved. */
    private void preview(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.MANAGE_TEMPLATES);
        MailTemplate template = template(ctx);
        String language = MailTemplates.language(ctx.pathParam("language"));
        Preview preview;
        try {
            preview = preview(session, template, language, TemplateSource.from(typed(ctx)));
        } catch (ApiError refused) {
            showTyped(ctx, session, template, language, refused);
            return;
        }
        var form = new TemplateForm(field(ctx, "subject"), field(ctx, "text"), field(ctx, "html"), List.of());
        show(ctx, session, 200, template, templates.draft(session.principal().tenantId(), template, language), form,
                preview);
    }

    /** Back to the shipped text: only with the box ticked, as every other deletion of the dashboard. */
    private void restore(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.MANAGE_TEMPLATES);
        MailTemplate template = template(ctx);
        String language = MailTemplates.language(ctx.pathParam("language"));
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new ApiError(422, "validation_failed", "Tick the box to confirm going back to the default text.");
        }
        templates.delete(session.principal().tenantId(), template, language, session.principal().actor(),
                requests.client(ctx));
        Dashboard.redirect(ctx, path(template, language) + "?notice=" + Notice.MAIL_TEMPLATE_RESTORED.wire());
    }

    private Preview preview(DashboardSession session, MailTemplate template, String language, TemplateSource source) {
        var rendered = templates.preview(tenants.tenant(session.principal().tenantId()).name(), template, language,
                source);
        return new Preview(rendered.subject(), rendered.text(), rendered.html());
    }

    /** A refused form shown again as typed, with each refusal at its field; what no field explains is an error page. */
    private void showTyped(Context ctx, DashboardSession session, MailTemplate template, String language,
                           ApiError refused) {
        var typed = new TemplateSource(field(ctx, "subject"), field(ctx, "text"), field(ctx, "html"));
        show(ctx, session, refused.status(), template,
                templates.draft(session.principal().tenantId(), template, language), refusedForm(typed, refused),
                null);
    }

    private static TemplateForm refusedForm(TemplateSource source, ApiError refused) {
        if (refused.status() != 422 || refused.errors().isEmpty()) {
            throw refused;
        }
        return new TemplateForm(source.subject(), source.text(), source.html(), refused.errors());
    }

    private void show(Context ctx, DashboardSession session, int status, MailTemplate template,
                      MailTemplates.View view, TemplateForm form, Preview preview) {
        Described described = MESSAGES.get(template);
        List<Placeholder> placeholders = new TreeSet<>(template.variables()).stream()
                .map(name -> new Placeholder(name, PLACEHOLDERS.get(name))).toList();
        String shipped = Wording.pick(view.language(), Set.copyOf(BuiltInTemplates.LANGUAGES));
        dashboard.render(ctx, status, "mail-template.jte", new TemplatePage(
                dashboard.frame(ctx, session, described.name() + " (" + view.language() + ")", "mail-templates"),
                path(template, view.language()), template.wire(), described.name(), described.purpose(),
                view.language(), view.overridden(), view.updatedAt(), shipped, placeholders, form, preview));
    }

    /**
     * The form as the body of the admin API's PUT. A browser sends a text area's line breaks as CRLF: they are read as
     * the LF typed, so that a text is measured, stored and sent as the API would take it.
     */
    private JsonInput typed(Context ctx) {
        ObjectNode body = requests.mapper().createObjectNode();
        PARTS.forEach(part -> body.put(part, ctx.formParam(part) == null ? null : field(ctx, part)));
        return JsonInput.of(body);
    }

    private static String field(Context ctx, String name) {
        return Objects.requireNonNullElse(ctx.formParam(name), "").replace("\r\n", "\n");
    }

    private static MailTemplate template(Context ctx) {
        return MailTemplate.fromWire(ctx.pathParam("template")).orElseThrow(() -> ApiError.notFound("Mail template"));
    }

    private static String path(MailTemplate template, String language) {
        return PATH + "/" + template.wire() + "/" + language;
    }
}
