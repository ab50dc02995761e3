package dev.latchkey.verification;

import dev.latchkey.auth.Secrets;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Six-digit codes mailed to a customer's address to log in without a password. A code is an emailed token of purpose
 * {@code login_code}, so the per-address throttle, its withdrawal by a password or address change, the export, the
 * erasure and the purge treat it as they treat the others. Six digits are too few to find a row by: a code is only
 * checked against the one live code of the account whose address came with it, and stored as the HMAC-SHA256 of a
 * random key of its row and the code, under a key derived from the server's: a million values are soon tried, so a
 * copy of the database alone must not be enough to try them. The {@link #MAX_ATTEMPTS}th wrong entry withdraws it, so that guessing
 * one code succeeds with a chance of 5 in a million; the account's lockout and the login rate limits bound the guesses
 * over many codes.
 */
public final class LoginCodes {
    public static final int LENGTH = 6;
    public static final int MAX_ATTEMPTS = 5;
    /** What the code key is derived for: another purpose derived from the same server key gets another key. */
    public static final String KEY_PURPOSE = "latchkey login code hash v1";
    /** No customer id has this form (ids are cus_ plus 22 base62 characters). */
    private static final String NO_CUSTOMER = "cus_-";

    /** What an entered code came to. */
    public enum Entry { USED, WRONG, NONE }

    private final EmailTokenStore store;
    private final EmailTokens tokens;
    private final byte[] codeKey;
    private final Clock clock;

    /** {@code codeKey}: {@link Secrets#derivedKey} of the server's key for {@link #KEY_PURPOSE}. */
    public LoginCodes(EmailTokenStore store, EmailTokens tokens, byte[] codeKey, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.codeKey = codeKey.clone();
        this.clock = clock;
    }

    /** Withdraws the customer's earlier codes and returns a new one for {@code email}, living {@code ttlSeconds}. */
    public String issue(Handle h, String tenantId, String customerId, String email, long ttlSeconds) {
        tokens.voidOutstanding(h, tenantId, customerId, TokenPurpose.LOGIN_CODE);
        String code = Secrets.digits(LENGTH);
        String key = Secrets.sha256(Secrets.secret(EmailTokens.PREFIX));
        Instant now = now();
        store.insert(h, key, new EmailToken(tenantId, customerId, TokenPurpose.LOGIN_CODE, email, now,
                now.plusSeconds(ttlSeconds), null, null), hash(key, code));
        return code;
    }

    /**
     * Uses up the customer's live code to {@code email} when {@code code} is it ({@code USED}); a wrong code counts
     * against the live one ({@code WRONG}); {@code NONE} when there is no live code (never sent, expired, used or
     * withdrawn). The caller holds the account's row lock, so that two entries of one code take turns.
     */
    public Entry use(Handle h, String tenantId, String customerId, String email, String code) {
        Instant now = now();
        var live = store.liveCode(h, tenantId, customerId, email, now).orElse(null);
        if (live == null) {
            return Entry.NONE;
        }
        if (!Secrets.constantTimeEquals(live.codeHash(), hash(live.tokenHash(), code))) {
            store.countWrongCode(h, tenantId, live.tokenHash(), MAX_ATTEMPTS, now);
            return Entry.WRONG;
        }
        return store.markUsed(h, tenantId, live.tokenHash(), TokenPurpose.LOGIN_CODE, now) == 1
                ? Entry.USED : Entry.NONE;
    }

    /** Whether the customer has a code to {@code email} that still works. */
    public boolean live(Handle h, String tenantId, String customerId, String email) {
        return store.liveCode(h, tenantId, customerId, email, now()).isPresent();
    }

    /** The lookup and hashing of {@link #use} for an address without an account, so that it costs about the same. */
    public void decoy(Handle h, String tenantId, String email, String code) {
        store.liveCode(h, tenantId, NO_CUSTOMER, email, now());
        Secrets.constantTimeEquals(hash(NO_CUSTOMER, code), code);
    }

    private String hash(String key, String code) {
        return HexFormat.of().formatHex(Secrets.hmacSha256(codeKey, key + ":" + code));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
