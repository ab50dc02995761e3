package dev.latchkey.mail;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

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

    /**
     * Replaces the override of one message and language in place, creating it when there is none. Writers of an
     * existing override queue on its row. Deleted and inserted again, the row would be missing for the writers that
     * waited on it, and all but one of their inserts would break the primary key (a 500).
     */
    public void put(Handle h, String tenantId, MailTemplate template, String language, TemplateSource source,
                    Instant at) {
        int replaced = bindRow(h.createUpdate("UPDATE mail_templates SET subject = :subject, text_body = :text, "
                        + "html_body = :html, updated_at = :at WHERE tenant_id = :tenant AND template = :template "
                        + "AND language = :language"), tenantId, template, language, source, at).execute();
        if (replaced == 0) {
            bindRow(h.createUpdate("INSERT INTO mail_templates (tenant_id, template, language, subject, text_body, "
                    + "html_body, updated_at) VALUES (:tenant, :template, :language, :subject, :text, :html, :at)"),
                    tenantId, template, language, source, at).execute();
        }
    }

    private static Update bindRow(Update statement, String tenantId, MailTemplate template, String language,
                                  TemplateSource source, Instant at) {
        return statement.bind("tenant", tenantId).bind("template", template.wire()).bind("language", language)
                .bind("subject", source.subject()).bind("text", source.text()).bind("html", source.html())
                .bind("at", Database.ts(at));
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
