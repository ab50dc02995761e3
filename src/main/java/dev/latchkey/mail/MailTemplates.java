package dev.latchkey.mail;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Text;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Chooses and renders the template of a message: the best language for the customer among the shipped ones and the
 * tenant's own, and within that language the tenant's override before the shipped text. Also lets a merchant manage
 * their overrides.
 */
public final class MailTemplates {
    public static final int MAX_SUBJECT = 500;
    public static final int MAX_TEXT = 20_000;
    public static final int MAX_HTML = 100_000;
    private static final int MAX_RENDERED_SUBJECT = 900;
    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,3}(-[a-z0-9]{1,8}){0,3}$");

    /** A message ready for the outbox, in the language that was chosen. */
    public record Rendered(String language, String subject, String text, String html) {
    }

    /** What the admin API shows for one message and language. */
    public record View(String template, String language, String subject, String text, String html,
                       boolean overridden, java.time.Instant updatedAt) {
    }

    private final Database db;
    private final TemplateStore store;
    private final BuiltInTemplates builtIn;
    private final AuditLog audit;
    private final Clock clock;

    public MailTemplates(Database db, TemplateStore store, BuiltInTemplates builtIn, AuditLog audit, Clock clock) {
        this.db = db;
        this.store = store;
        this.builtIn = builtIn;
        this.clock = clock;
        this.audit = audit;
    }

    /** Renders a message; {@code validFor} (nullable) becomes {@code expires_in} in the chosen language. */
    public Rendered render(Handle h, String tenantId, MailTemplate template, String preferredLanguage,
                           Map<String, String> values, Duration validFor) {
        Map<String, TemplateSource> overrides = new HashMap<>();
        store.forTemplate(h, tenantId, template).forEach(o -> overrides.put(o.language(), o.source()));
        Set<String> available = new HashSet<>(builtIn.languages(template));
        available.addAll(overrides.keySet());
        String language = Wording.pick(preferredLanguage, available);
        Rendered rendered = render(overrides.getOrDefault(language, builtIn.get(template, language)), language, values,
                validFor);
        String secret = values.get("token");
        boolean withoutToken = template.carriesToken() && secret != null
                && !(rendered.text().contains(secret) && shownHtml(rendered.html()).contains(secret));
        if (withoutToken || !OutboxStore.fits(rendered.text(), rendered.html())) {
            // an override that shows only {{link}} (in its text or its HTML), for a tenant whose mail has no link (no allowed origins), or one
            // whose values (a {{link}} repeated thousands of times) make it larger than the outbox holds: the shipped
            // text, which always shows the token and stays small, rather than a mail the shopper cannot use or a
            // request that fails
            String shipped = Wording.pick(preferredLanguage, builtIn.languages(template));
            rendered = render(builtIn.get(template, shipped), shipped, values, validFor);
        }
        return rendered;
    }

    private Rendered render(TemplateSource source, String language, Map<String, String> values, Duration validFor) {
        Map<String, String> all = new HashMap<>(values);
        if (validFor != null) {
            all.put("expires_in", Wording.duration(validFor, language));
        }
        String subject = TemplateRenderer.parse(source.subject()).render(all, UnaryOperator.identity())
                .replaceAll("[\\r\\n\\t]+", " ").strip();
        if (Text.length(subject) > MAX_RENDERED_SUBJECT) {
            // counted in characters, as the template's subject is: never between the two halves of an emoji
            subject = subject.substring(0, subject.offsetByCodePoints(0, MAX_RENDERED_SUBJECT));
        }
        String text = TemplateRenderer.parse(source.text()).render(all, UnaryOperator.identity());
        String html = TemplateRenderer.parse(source.html()).render(all, TemplateRenderer::escapeHtml);
        return new Rendered(language, subject, text, inLayout(html, language));
    }

    /** A fragment goes into the shipped page; an override that is a whole page (has {@code <html}) stays as it is. */
    private String inLayout(String html, String language) {
        if (html.toLowerCase(Locale.ROOT).contains("<html")) {
            return html;
        }
        return builtIn.layout().replace("{{language}}", TemplateRenderer.escapeHtml(language))
                .replace("{{content}}", html);
    }

    /**
     * What is wrong with a template for this message: syntax, unknown variables, a secret in the subject, a token
     * message whose text part would not show the link or the token.
     */
    public static List<FieldError> problems(MailTemplate template, TemplateSource source) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> textNames = check("text", source.text(), template, errors);
        Set<String> subjectNames = check("subject", source.subject(), template, errors);
        Set<String> htmlNames = check("html", source.html(), template, errors);
        if (subjectNames != null && (subjectNames.contains("link") || subjectNames.contains("token"))) {
            errors.add(new FieldError("subject", "secret_in_subject", "The subject may not show {{link}} or "
                    + "{{token}}: subjects are shown in notifications and mail lists, and kept in logs."));
        }
        if (template.carriesToken()) {
            // most mail programs show the HTML part alone, so it must carry the secret as surely as the text
            requireSecret("text", source.text(), textNames, template, UnaryOperator.identity(), errors);
            requireSecret("html", source.html(), htmlNames, template, MailTemplates::shownHtml, errors);
        }
        return errors;
    }

    private static void requireSecret(String field, String source, Set<String> names, MailTemplate template,
                                      UnaryOperator<String> shown, List<FieldError> errors) {
        if (names != null && !alwaysShowsSecret(source, template, shown)) {
            errors.add(new FieldError(field, "missing_token", "The " + field + " part of " + template.wire()
                    + " must show {{link}} or {{token}} whatever the other values are, and {{token}} (if it offers it)"
                    + " also when there is no link: outside sections, or in both {{#link}} and {{^link}}."));
        }
    }

    /**
     * What of an HTML part a reader can see or click: its text and the {@code href} of its links. Not what comments
     * (closed or not), the title, styles, scripts, templates or frames hold, nor other attributes (an image's source, a
     * title, a quoted {@code >} in a value). One pass over the HTML, as a browser reads tags and quoted values.
     */
    static String shownHtml(String html) {
        StringBuilder shown = new StringBuilder();
        String hiddenIn = null;
        int hiddenDepth = 0;
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c != '<') {
                if (hiddenIn == null) {
                    shown.append(c);
                }
                i++;
            } else if (html.startsWith("<!-->", i)) {
                i += 5;
            } else if (html.startsWith("<!--", i)) {
                i = after(html, "-->", i + 4);
            } else if (html.startsWith("<![CDATA[", i)) {
                i = after(html, "]]>", i + 9);
            } else if (i + 1 < html.length() && (html.charAt(i + 1) == '!' || html.charAt(i + 1) == '?')) {
                i = after(html, ">", i + 2);
            } else {
                HtmlTag tag = HtmlTag.at(html, i);
                if (tag == null) {
                    if (hiddenIn == null) {
                        shown.append(c);
                    }
                    i++;
                    continue;
                }
                if (tag.name().equals(hiddenIn)) {
                    hiddenDepth += tag.closing() ? -1 : 1;
                    if (hiddenDepth == 0) {
                        hiddenIn = null;
                    }
                } else if (hiddenIn == null && !tag.closing() && HIDDEN_ELEMENTS.contains(tag.name())) {
                    hiddenIn = tag.name();
                    hiddenDepth = 1;
                } else if (hiddenIn == null && !tag.closing() && tag.name().equals("a") && tag.href() != null) {
                    shown.append(' ').append(tag.href()).append(' ');
                }
                i = tag.end();
            }
        }
        return shown.toString();
    }

    private static final Set<String> HIDDEN_ELEMENTS = Set.of("title", "style", "script", "template", "iframe",
            "noembed", "noframes", "object");

    /** The index after {@code end} found from {@code from}, or the end of {@code html} when it is not there. */
    private static int after(String html, String end, int from) {
        int at = html.indexOf(end, from);
        return at < 0 ? html.length() : at + end.length();
    }

    /**
     * Renders the text with a link, once with every other value present and once with every other value absent: the
     * secret must show in both ({@code shown} of it), or some shopper would get a mail they cannot use. A text that
     * also offers the bare token (for tenants without allowed origins, whose mail has no link) must show it without a
     * link too.
     */
    private static boolean alwaysShowsSecret(String text, MailTemplate template, UnaryOperator<String> shown) {
        String probe = "SECRET-PROBE";
        TemplateRenderer.Parsed parsed = TemplateRenderer.parse(text);
        List<Boolean> linkCases = parsed.names().contains("token") ? List.of(true, false) : List.of(true);
        for (boolean withLink : linkCases) {
            for (boolean othersPresent : new boolean[] {true, false}) {
                Map<String, String> values = new HashMap<>();
                if (othersPresent) {
                    template.variables().forEach(name -> values.put(name, "value"));
                }
                values.put("token", probe);
                if (withLink) {
                    values.put("link", "https://shop.example/?token=" + probe);
                } else {
                    values.remove("link");
                }
                if (!shown.apply(parsed.render(values, UnaryOperator.identity())).contains(probe)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Set<String> check(String field, String source, MailTemplate template, List<FieldError> errors) {
        try {
            Set<String> names = TemplateRenderer.parse(source).names();
            Set<String> unknown = new java.util.TreeSet<>(names);
            unknown.removeAll(template.variables());
            if (!unknown.isEmpty()) {
                errors.add(new FieldError(field, "unknown_variable", "Unknown variable(s) " + unknown + "; "
                        + template.wire() + " knows " + new java.util.TreeSet<>(template.variables()) + "."));
            }
            return names;
        } catch (TemplateRenderer.SyntaxException e) {
            errors.add(new FieldError(field, "invalid", e.getMessage()));
            return null;
        }
    }

    public List<View> list(String tenantId) {
        return db.read(h -> store.list(h, tenantId)).stream().map(MailTemplates::view).toList();
    }

    /** The tenant's override, else the shipped template (404 when neither exists in that language). */
    public View get(String tenantId, MailTemplate template, String language) {
        View view = draft(tenantId, template, language);
        if (!view.overridden() && !builtIn.languages(template).contains(view.language())) {
            throw ApiError.notFound("Mail template");
        }
        return view;
    }

    /**
     * What a merchant edits for a language: {@link #get}, and for a language with neither an override nor shipped
     * text, the shipped text its customers get now (English for {@code fr}, German for {@code de-at}), not overridden.
     */
    public View draft(String tenantId, MailTemplate template, String language) {
        String lang = language(language);
        Optional<TemplateStore.Override> override = db.read(h -> store.forTemplate(h, tenantId, template)).stream()
                .filter(o -> o.language().equals(lang)).findFirst();
        if (override.isPresent()) {
            return view(override.get());
        }
        TemplateSource shipped = builtIn.get(template, Wording.pick(lang, builtIn.languages(template)));
        return new View(template.wire(), lang, shipped.subject(), shipped.text(), shipped.html(), false, null);
    }

    /**
     * The message as a customer of {@code shopName} would get it in {@code language}, with made-up values: what the
     * merchant sees before saving. Refused as {@link #put} would refuse it, so a preview shown is one that saves.
     */
    public Rendered preview(String shopName, MailTemplate template, String language, TemplateSource source) {
        String lang = language(language);
        requireValid(template, source);
        Map<String, String> values = new HashMap<>(SampleValues.of(template));
        values.put("shop_name", shopName);
        return render(source, lang, values, template.carriesToken() ? SampleValues.VALID_FOR : null);
    }

    private static void requireValid(MailTemplate template, TemplateSource source) {
        List<FieldError> errors = problems(template, source);
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
    }

    /** Stores the tenant's override; recorded as {@code mail_template.changed}, since it rewords what shoppers get. */
    public View put(String tenantId, MailTemplate template, String language, TemplateSource source, Actor actor,
                    ClientInfo client) {
        String lang = language(language);
        requireValid(template, source);
        var at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            db.tx(h -> {
                store.put(h, tenantId, template, lang, source, at);
                recordChange(h, tenantId, template, lang, "replaced", actor, client);
                return null;
            });
        } catch (RuntimeException e) {
            if (!UniqueViolation.is(e)) {
                throw e;
            }
            // Another request stored the same template at the same moment; the last writer wins, as with any PUT.
            db.tx(h -> {
                store.put(h, tenantId, template, lang, source, at);
                recordChange(h, tenantId, template, lang, "replaced", actor, client);
                return null;
            });
        }
        return new View(template.wire(), lang, source.subject(), source.text(), source.html(), true, at);
    }

    public void delete(String tenantId, MailTemplate template, String language, Actor actor, ClientInfo client) {
        String lang = language(language);
        db.tx(h -> {
            if (store.delete(h, tenantId, template, lang) == 0) {
                throw ApiError.notFound("Mail template override");
            }
            recordChange(h, tenantId, template, lang, "shipped_text_restored", actor, client);
            return null;
        });
    }

    private void recordChange(Handle h, String tenantId, MailTemplate template, String language, String change,
                              Actor actor, ClientInfo client) {
        audit.record(h, tenantId, null, AuditType.MAIL_TEMPLATE_CHANGED, client,
                actor.with(Map.of("template", template.wire(), "language", language, "change", change)));
    }

    /** The language tag in lower case; 404 for what is not one. */
    public static String language(String raw) {
        String lang = raw.toLowerCase(Locale.ROOT);
        if (!LANGUAGE.matcher(lang).matches()) {
            throw ApiError.notFound("Mail template language");
        }
        return lang;
    }

    private static View view(TemplateStore.Override o) {
        return new View(o.template(), o.language(), o.source().subject(), o.source().text(), o.source().html(), true,
                o.updatedAt());
    }
}
