package dev.latchkey.webhook;

import java.util.List;

/**
 * The {@code Latchkey-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}, as Stripe signs.
 * The time is signed with the body, so a receiver that refuses old times (a few minutes) cannot be sent a recorded
 * delivery again. While a rotated secret's previous version still signs, a {@code v1} of each follows: a receiver that
 * accepts any one of them works with either secret.
 */
final class Signature {
    static final String HEADER = "Latchkey-Signature";

    private Signature() {
    }

    static String header(long unixSeconds, String body, List<String> secrets) {
        StringBuilder header = new StringBuilder("t=").append(unixSeconds);
        String signed = unixSeconds + "." + body;
        for (String secret : secrets) {
            header.append(",v1=").append(SigningKey.sign(secret, signed));
        }
        return header.toString();
    }
}
