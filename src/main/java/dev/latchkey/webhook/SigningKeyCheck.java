package dev.latchkey.webhook;

import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether this node's webhook key is the one the deployment signs with: the first node that needs it records its key's
 * fingerprint, and a node that finds another one there (started without the shared LATCHKEY_WEBHOOK_KEY) neither shows
 * secrets nor sends deliveries, whose signatures would not verify, and says so in its log. A match is final; a
 * mismatch is read again now and then, for an operator who replaced the key or the record.
 */
final class SigningKeyCheck {
    private static final Logger log = LoggerFactory.getLogger(SigningKeyCheck.class);
    private static final Duration READ_AGAIN_AFTER = Duration.ofMinutes(1);
    /** Enough of a fingerprint to tell two keys apart in a log line. */
    private static final int SHOWN = 12;

    private final Database db;
    private final String fingerprint;
    private final Clock clock;
    private volatile boolean confirmed;
    private volatile Instant refusedUntil = Instant.MIN;

    SigningKeyCheck(Database db, SigningKey key, Clock clock) {
        this.db = db;
        this.fingerprint = key.fingerprint();
        this.clock = clock;
    }

    boolean usable() {
        if (confirmed) {
            return true;
        }
        Instant now = clock.instant();
        if (now.isBefore(refusedUntil)) {
            return false;
        }
        String recorded = db.tx(h -> {
            h.createUpdate("INSERT INTO webhook_signing_key (id, fingerprint, created_at) VALUES (1, :fingerprint, :at) "
                            + "ON CONFLICT DO NOTHING")
                    .bind("fingerprint", fingerprint).bind("at", Database.ts(now)).execute();
            return h.createQuery("SELECT fingerprint FROM webhook_signing_key WHERE id = 1").mapTo(String.class).one();
        });
        if (recorded.equals(fingerprint)) {
            confirmed = true;
            return true;
        }
        refusedUntil = now.plus(READ_AGAIN_AFTER);
        log.error("webhooks: this node's webhook key (fingerprint {}...) is not the one the database records ({}...): "
                        + "it shows no webhook secrets and sends no deliveries. Give every node the same "
                        + "LATCHKEY_WEBHOOK_KEY (see docs/scaling.md)", fingerprint.substring(0, SHOWN),
                recorded.substring(0, SHOWN));
        return false;
    }

    /** 503 {@code signing_key_mismatch} where a secret would be shown that the deliveries are not signed with. */
    void requireUsable() {
        if (!usable()) {
            throw new ApiError(503, "signing_key_mismatch", "This node of the service has another webhook key than "
                    + "the others, so it cannot show a signing secret; the operator is told in its log. Try again.")
                    .withHeader("Retry-After", "60");
        }
    }
}
