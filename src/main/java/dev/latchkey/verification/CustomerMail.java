package dev.latchkey.verification;

import dev.latchkey.customer.Customer;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.Outbox;
import dev.latchkey.mail.SecretLink;
import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.Map;

/** Mail to a customer: their name in the message, in their preferred language, queued in the caller's transaction. */
public final class CustomerMail {
    private final Outbox outbox;

    public CustomerMail(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * {@code to} is usually the customer's address; an email change also writes to the new one. The customer's name is
     * in the message only when it goes to their verified address: whoever registers may type any address and any name,
     * and a name such as "URGENT: restore your account at evil.example" would otherwise reach a stranger's inbox in the
     * shop's own mail (mail programs make the address a link). Templates greet without a name then.
     */
    public void send(Handle h, Customer customer, String to, MailTemplate template, Map<String, String> extra,
                     SecretLink link) {
        send(h, customer, to, template, extra, link, null);
    }

    /** As above, in {@code language} (nullable: the customer's preferred language), e.g. the storefront's. */
    public void send(Handle h, Customer customer, String to, MailTemplate template, Map<String, String> extra,
                     SecretLink link, String language) {
        Map<String, String> values = new HashMap<>(extra);
        if (customer.emailVerified() && to.equals(customer.email())) {
            values.put("first_name", customer.profile().firstName());
            values.put("last_name", customer.profile().lastName());
        }
        outbox.enqueue(h, customer.tenantId(), customer.id(), to, template,
                language != null ? language : customer.profile().preferredLanguage(), values, link);
    }

    /**
     * Forgets the mail queued or sent to the customer, at whatever address (an unconfirmed email change's too): part of
     * erasing them.
     */
    public void forget(Handle h, Customer customer) {
        outbox.forget(h, customer.tenantId(), customer.id());
    }

    /** For an address without an account: the rendering work of a message, nothing sent; see {@link Outbox#rehearse}. */
    public void rehearse(Handle h, String tenantId, MailTemplate template) {
        outbox.rehearse(h, tenantId, template);
    }
}
