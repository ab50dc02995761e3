package dev.latchkey.mail;

import dev.latchkey.auth.Secrets;
import dev.latchkey.tenant.TenantService;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * How every feature sends mail: render the message and write it to the outbox with the caller's handle, so the mail
 * exists exactly when the change it reports is committed. The worker is woken after that commit.
 */
public final class Outbox {
    private final MailTemplates templates;
    private final OutboxStore store;
    private final TenantService tenants;
    private final Runnable wake;
    private final Clock clock;

    public Outbox(MailTemplates templates, OutboxStore store, TenantService tenants, Runnable wake, Clock clock) {
        this.templates = templates;
        this.store = store;
        this.tenants = tenants;
        this.wake = wake;
        this.clock = clock;
    }

    /**
     * Queues a message written for one customer ({@code customerId}, so that erasing them forgets it) to {@code to}.
     * {@code language} is the customer's preferred language (nullable); {@code variables} are the
     * message's own values (see {@link MailTemplate#variables()}); {@code shop_name} and {@code email} are added here.
     * {@code link} must be given exactly for the messages that carry a token.
     */
    public void enqueue(Handle h, String tenantId, String customerId, String to, MailTemplate template,
                        String language, Map<String, String> variables, SecretLink link) {
        if (template.carriesToken() != (link != null)) {
            throw new IllegalArgumentException(template.wire() + (link == null ? " needs" : " takes no") + " token");
        }
        Map<String, String> values = new HashMap<>();
        variables.forEach((name, value) -> values.put(name, clean(value)));
        values.put("shop_name", clean(tenants.tenant(tenantId).name()));
        values.put("email", clean(to));
        if (link != null) {
            values.put("token", OutgoingMail.PLACEHOLDER);
            values.put("link", SecretLink.link(clean(link.baseUrl()), OutgoingMail.PLACEHOLDER));
        }
        var rendered = templates.render(h, tenantId, template, language, values,
                link == null ? null : link.validFor());
        var mail = new OutgoingMail(tenantId, Secrets.id("mail"), to, template.wire(), rendered.subject(),
                rendered.text(), rendered.html(), link == null ? null : link.token());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        store.insert(h, mail, customerId, rendered.language(), now, link == null ? null : now.plus(link.validFor()));
        h.afterCommit(wake);
    }

    /** Forgets every message, queued or sent, written for this customer, within the caller's transaction. */
    public void forget(Handle h, String tenantId, String customerId) {
        store.deleteOf(h, tenantId, customerId);
    }

    /**
     * Renders a message and throws it away: what a request for an unknown address does instead of queueing, so that it
     * costs about the same time and tells nothing.
     */
    public void rehearse(Handle h, String tenantId, MailTemplate template) {
        templates.render(h, tenantId, template, null, Map.of("link", "", "token", OutgoingMail.PLACEHOLDER), null);
    }

    /**
     * A value can never smuggle the token placeholder into another part of the message: removed until none is left,
     * since taking one out of the middle of another leaves a placeholder behind.
     */
    private static String clean(String value) {
        String cleaned = value;
        while (cleaned != null && cleaned.contains(OutgoingMail.PLACEHOLDER)) {
            cleaned = cleaned.replace(OutgoingMail.PLACEHOLDER, "");
        }
        return cleaned;
    }
}
