package dev.latchkey.mail;

/** Hands one message to the outside world. The outbox worker calls it and retries when it fails. */
public interface Mailer {
    void send(OutgoingMail mail) throws MailDeliveryException;

    /** A send that did not work; the message must not contain the token or the body. */
    final class MailDeliveryException extends Exception {
        public MailDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
