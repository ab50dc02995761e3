package dev.latchkey.mail;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For developers without SMTP, and only when {@code LATCHKEY_DEV_MAILBOX=true}: keeps the last messages handed to the
 * real mailer in memory, links and tokens included, for {@code GET /dev/mailbox}. Nothing is written anywhere.
 */
public final class DevMailbox implements Mailer {
    private static final int KEEP = 200;
    private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+");

    /** One delivered message as the developer sees it. */
    public record Delivered(String id, String tenantId, String to, String template, String subject, String text,
                            String html, List<String> links, String token, Instant deliveredAt) {
    }

    private final Mailer delegate;
    private final Clock clock;
    private final Deque<Delivered> messages = new ArrayDeque<>();

    public DevMailbox(Mailer delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public void send(OutgoingMail mail) throws MailDeliveryException {
        delegate.send(mail);
        String text = mail.revealedText();
        List<String> links = new ArrayList<>();
        Matcher matcher = LINK.matcher(text);
        while (matcher.find()) {
            links.add(matcher.group());
        }
        var delivered = new Delivered(mail.id(), mail.tenantId(), mail.recipient(), mail.template(), mail.subject(),
                text, mail.revealedHtml(), List.copyOf(links), mail.secret(), clock.instant());
        synchronized (messages) {
            messages.addFirst(delivered);
            while (messages.size() > KEEP) {
                messages.removeLast();
            }
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Newest first; {@code to} (nullable) keeps only the messages to that address. */
    public List<Delivered> recent(String to, int limit) {
        synchronized (messages) {
            return messages.stream().filter(m -> to == null || m.to().equalsIgnoreCase(to)).limit(limit).toList();
        }
    }
}
