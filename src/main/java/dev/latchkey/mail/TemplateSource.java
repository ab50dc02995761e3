package dev.latchkey.mail;

/** One message in one language, before rendering: a subject line, a text/plain part and a text/html part. */
public record TemplateSource(String subject, String text, String html) {
}
