package dev.latchkey.mail;

import dev.latchkey.config.Config;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;

/** Sends over SMTP with Jakarta Mail (Eclipse Angus): multipart/alternative with a text and an HTML part. */
public final class SmtpMailer implements Mailer {
    /**
     * A hung server must not hold the worker for long; the mail is simply retried later. A stop does not wait for it:
     * {@link #close} breaks the exchange off.
     */
    private static final String TIMEOUT_MS = "15000";

    private final Config.Smtp smtp;
    private final Session session;
    private final InternetAddress from;
    private final Clock clock;
    private final TrackedSockets sockets = new TrackedSockets();

    public SmtpMailer(Config.Smtp smtp, Clock clock) {
        this.smtp = smtp;
        this.clock = clock;
        var props = new Properties();
        props.put("mail.transport.protocol", "smtp");
        props.put("mail.smtp.host", smtp.host().orElseThrow());
        props.put("mail.smtp.port", Integer.toString(smtp.port()));
        props.put("mail.smtp.connectiontimeout", TIMEOUT_MS);
        props.put("mail.smtp.timeout", TIMEOUT_MS);
        props.put("mail.smtp.writetimeout", TIMEOUT_MS);
        props.put("mail.smtp.socketFactory", sockets);
        // a closed mailer's refused socket must not be replaced by a plain one that nothing tracks
        props.put("mail.smtp.socketFactory.fallback", "false");
        // Keeps the text part byte for byte (no quoted-printable soft breaks in the link) where the server allows it.
        props.put("mail.smtp.allow8bitmime", "true");
        props.put("mail.smtp.auth", Boolean.toString(smtp.username().isPresent()));
        if (smtp.startTls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        this.session = Session.getInstance(props);
        try {
            this.from = new InternetAddress(smtp.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("LATCHKEY_SMTP_FROM is not a valid address", e);
        }
    }

    @Override
    public void send(OutgoingMail mail) throws MailDeliveryException {
        try {
            var message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(mail.recipient(), true));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("Auto-Submitted", "auto-generated");
            var text = new MimeBodyPart();
            text.setText(mail.revealedText(), StandardCharsets.UTF_8.name(), "plain");
            var html = new MimeBodyPart();
            html.setText(mail.revealedHtml(), StandardCharsets.UTF_8.name(), "html");
            var alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            if (smtp.username().isPresent()) {
                Transport.send(message, smtp.username().get(), smtp.password().orElse(""));
            } else {
                Transport.send(message);
            }
        } catch (MessagingException e) {
            // The exception names the server and its reply, never the message body.
            throw new MailDeliveryException("SMTP " + smtp.host().orElseThrow() + ":" + smtp.port() + " refused or "
                    + "failed: " + e.getMessage(), e);
        }
    }

    /** The application is stopping: a send in progress fails at once, and so does any later one. */
    @Override
    public void close() {
        sockets.closeAll();
    }
}
