package dev.latchkey.mail;

import dev.latchkey.http.JsonInput;

/** One message in one language, before rendering: a subject line, a text/plain part and a text/html part. */
public record TemplateSource(String subject, String text, String html) {
    /**
     * The template a body holds ({@code PUT /v1/admin/mail-templates/...}, or the dashboard's form as such a body):
     * each part required and within its length, else 422 naming every field at fault.
     */
    public static TemplateSource from(JsonInput in) {
        String subject = in.required("subject", MailTemplates.MAX_SUBJECT);
        String text = in.required("text", MailTemplates.MAX_TEXT);
        String html = in.required("html", MailTemplates.MAX_HTML);
        in.validate();
        return new TemplateSource(subject, text, html);
    }
}
