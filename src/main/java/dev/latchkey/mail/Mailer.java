package dev.latchkey.mail;

/** Hands one message to the outside world. The outbox worker calls it and retries when it fails. */
public interface Mailer extends AutoCloseable {
    void send(OutgoingMail mail) throws MailDeliveryException;

    /**
     * The application is stopping: breaks off a send in progress, which then fails, rather than let the stop wait for
     * a slow server. Nothing to do for a mailer that never waits on anyone.
     */
    @Override
    default void close() {
    }

    /** A send that did not work; the message must not contain the token or the body. */
    final class MailDeliveryException extends Exception {
        public MailDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
