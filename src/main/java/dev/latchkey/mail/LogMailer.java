package dev.latchkey.mail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailer when no SMTP host is configured: each message goes to the log with its token replaced by
 * {@value OutgoingMail#HIDDEN}, so that a log never holds a usable secret. Developers read the links in the dev
 * mailbox ({@code LATCHKEY_DEV_MAILBOX=true}).
 */
public final class LogMailer implements Mailer {
    private static final Logger log = LoggerFactory.getLogger("latchkey.mail");

    @Override
    public void send(OutgoingMail mail) {
        log.info("mail not sent (no SMTP configured): to={} template={} subject=\"{}\"\n{}", mail.recipient(),
                mail.template(), mail.subject(), mail.maskedText());
    }
}
