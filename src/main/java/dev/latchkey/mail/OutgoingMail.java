package dev.latchkey.mail;

/**
 * A rendered message on its way out. The bodies hold {@link #PLACEHOLDER} where the token goes; the token travels
 * beside them in {@code secret} (null for notices) so that an adapter decides whether it may show it: SMTP and the dev
 * mailbox put it in, the log shows no body at all.
 */
public record OutgoingMail(String tenantId, String id, String recipient, String template, String subject, String text,
                           String html, String secret) {
    /** Cannot appear in a rendered variable: {@link Outbox} removes it from every value it is given. */
    public static final String PLACEHOLDER = "%%LATCHKEY-SECRET%%";
    public static final String HIDDEN = "[token hidden]";

    public String revealedText() {
        return reveal(text);
    }

    public String revealedHtml() {
        return reveal(html);
    }

    private String reveal(String body) {
        return body.replace(PLACEHOLDER, secret == null ? HIDDEN : secret);
    }
}
