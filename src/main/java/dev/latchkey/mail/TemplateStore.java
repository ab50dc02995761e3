package dev.latchkey.mail;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;

/** SQL for a tenant's own mail templates. Every statement names the tenant. */
public final class TemplateStore {
    /** A stored override: which message, which language, its text and when it last changed. */
    public record Override(String template, String language, TemplateSource source, Instant updatedAt) {
    }

    public List<Override> list(Handle h, String tenantId) {
        return h.createQuery("SELECT * FROM mail_templates WHERE tenant_id = :tenant ORDER BY template, language")
                .bind("tenant", tenantId)
                .map((rs, ctx) -> override(rs)).list();
    }

    public List<Override> forTemplate(Handle h, String tenantId, MailTemplate template) {
        return h.createQuery("SELECT * FROM mail_templates WHERE tenant_id = :tenant AND template = :template")
                .bind("tenant", tenantId).bind("template", template.wire())
                .map((rs, ctx) -> override(rs)).list();
    }

    /** Replaces the override of one message and language, creating it when there is none. */
    public void put(Handle h, String tenantId, MailTemplate template, String language, TemplateSource source,
                    Instant at) {
        h.createUpdate("DELETE FROM mail_templates WHERE tenant_id = :tenant AND template = :template "
                        + "AND language = :language")
                .bind("tenant", tenantId).bind("template", template.wire()).bind("language", language).execute();
        h.createUpdate("INSERT INTO mail_templates (tenant_id, template, language, subject, text_body, html_body, "
                        + "updated_at) VALUES (:tenant, :template, :language, :subject, :text, :html, :at)")
                .bind("tenant", tenantId).bind("template", template.wire()).bind("language", language)
                .bind("subject", source.subject()).bind("text", source.text()).bind("html", source.html())
                .bind("at", Database.ts(at)).execute();
    }

    public int delete(Handle h, String tenantId, MailTemplate template, String language) {
        return h.createUpdate("DELETE FROM mail_templates WHERE tenant_id = :tenant AND template = :template "
                        + "AND language = :language")
                .bind("tenant", tenantId).bind("template", template.wire()).bind("language", language).execute();
    }

    private static Override override(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Override(rs.getString("template"), rs.getString("language"),
                new TemplateSource(rs.getString("subject"), rs.getString("text_body"), rs.getString("html_body")),
                Database.instant(rs, "updated_at"));
    }
}
