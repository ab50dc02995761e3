package dev.latchkey.mail;

import dev.latchkey.http.FieldError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The templates Latchkey ships, one file per message and language under {@code mail/templates/<language>/}: a
 * {@code subject:} line, then a {@code --- text ---} part and a {@code --- html ---} part. Each is parsed and checked at
 * start-up, so a broken shipped template stops the service instead of a mail.
 */
public final class BuiltInTemplates {
    public static final List<String> LANGUAGES = List.of("en", "de");
    public static final String FALLBACK_LANGUAGE = "en";
    private static final String TEXT_MARK = "\n--- text ---\n";
    private static final String HTML_MARK = "\n--- html ---\n";

    private final Map<MailTemplate, Map<String, TemplateSource>> sources;
    private final String layout;

    private BuiltInTemplates(Map<MailTemplate, Map<String, TemplateSource>> sources, String layout) {
        this.sources = sources;
        this.layout = layout;
    }

    public static BuiltInTemplates load() {
        Map<MailTemplate, Map<String, TemplateSource>> sources = new EnumMap<>(MailTemplate.class);
        for (MailTemplate template : MailTemplate.values()) {
            Map<String, TemplateSource> byLanguage = new TreeMap<>();
            for (String language : LANGUAGES) {
                String path = "mail/templates/" + language + "/" + template.wire() + ".txt";
                TemplateSource source = split(path, read(path));
                List<FieldError> problems = MailTemplates.problems(template, source);
                if (!problems.isEmpty()) {
                    throw new IllegalStateException(path + ": " + problems);
                }
                byLanguage.put(language, source);
            }
            sources.put(template, Map.copyOf(byLanguage));
        }
        return new BuiltInTemplates(sources, read("mail/templates/layout.html"));
    }

    private static TemplateSource split(String path, String raw) {
        String content = raw.replace("\r\n", "\n");
        int text = content.indexOf(TEXT_MARK);
        int html = content.indexOf(HTML_MARK);
        if (!content.startsWith("subject:") || text < 0 || html < text) {
            throw new IllegalStateException(path + " must hold a subject: line, then --- text --- and --- html ---");
        }
        return new TemplateSource(content.substring("subject:".length(), text).trim(),
                content.substring(text + TEXT_MARK.length(), html).strip() + "\n",
                content.substring(html + HTML_MARK.length()).strip() + "\n");
    }

    private static String read(String path) {
        try (InputStream in = BuiltInTemplates.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in mail template " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    public TemplateSource get(MailTemplate template, String language) {
        return sources.get(template).get(language);
    }

    public Set<String> languages(MailTemplate template) {
        return sources.get(template).keySet();
    }

    /** The HTML page the built-in HTML parts are placed in; it has {@code {{language}}} and {@code {{content}}}. */
    public String layout() {
        return layout;
    }
}
