package dev.latchkey.mail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailer when no SMTP host is configured: each message is only named in the log (its id, template and tenant), as
 * not sent. Its address, subject and text stay out: they are personal data (names, addresses), and a production
 * server that lacks its SMTP settings would otherwise write every shopper's mail to its logs. Developers read the
 * mail in the dev mailbox ({@code LATCHKEY_DEV_MAILBOX=true}); the outbox row keeps the recipient.
 */
public final class LogMailer implements Mailer {
    private static final Logger log = LoggerFactory.getLogger("latchkey.mail");

    @Override
    public void send(OutgoingMail mail) {
        log.info("mail {} ({}, tenant {}) not sent: no SMTP configured (LATCHKEY_SMTP_HOST)", mail.id(),
                mail.template(), mail.tenantId());
    }
}
