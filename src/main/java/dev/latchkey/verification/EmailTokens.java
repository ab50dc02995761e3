package dev.latchkey.verification;

import dev.latchkey.auth.Secrets;
import dev.latchkey.http.ApiError;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Single-use tokens sent by email: 256 random bits behind the prefix {@code et_}, stored as SHA-256 only, bound to a
 * tenant, customer, purpose and address, and used up atomically in the caller's transaction.
 */
public final class EmailTokens {
    public static final String PREFIX = "et";
    public static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(30);
    private static final int MAX_TOKEN_LENGTH = 128;

    private final EmailTokenStore store;
    private final Clock clock;

    public EmailTokens(EmailTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates a token and returns it; only its hash is kept. */
    public String issue(Handle h, String tenantId, String customerId, TokenPurpose purpose, String email,
                        long ttlSeconds) {
        String token = Secrets.secret(PREFIX);
        Instant now = now();
        store.insert(h, Secrets.sha256(token), new EmailToken(tenantId, customerId, purpose, email, now,
                now.plusSeconds(ttlSeconds), null, null), null);
        return token;
    }

    /** Locks the row of the account with this id for the rest of the transaction; empty when there is none. */
    public interface AccountLock<A> {
        Optional<A> lock(Handle h, String tenantId, String accountId);
    }

    /** A used-up token, and its account as the lock read it (empty when the account is gone). */
    public record Used<A>(EmailToken token, Optional<A> account) {
    }

    /**
     * Uses a token up and returns what it was bound to, or refuses it: 400 {@code invalid_token} (unknown, another
     * tenant's, another purpose's, or withdrawn), {@code token_used}, {@code token_expired}, or {@code email_mismatch}
     * when {@code expectedEmail} is given and differs. A refused token stays as it was.
     *
     * <p>The token's account is locked first, the token used up after: the order in which a password change or the
     * merchant's change of address lock the account and then withdraw its tokens, so that the two never wait for each
     * other in opposite order (a deadlock, answered 500). The token is checked again once the lock is held.
     */
    public <A> Used<A> consume(Handle h, String tenantId, TokenPurpose purpose, String rawToken, String expectedEmail,
                               AccountLock<A> accounts) {
        Optional<A> account = accounts.lock(h, tenantId,
                usable(h, tenantId, purpose, rawToken, expectedEmail, now()).customerId());
        Instant now = now();
        EmailToken token = usable(h, tenantId, purpose, rawToken, expectedEmail, now);
        if (store.markUsed(h, tenantId, Secrets.sha256(rawToken), purpose, now) != 1) {
            throw used();
        }
        return new Used<>(token, account);
    }

    private EmailToken usable(Handle h, String tenantId, TokenPurpose purpose, String rawToken, String expectedEmail,
                              Instant now) {
        if (rawToken == null || !rawToken.startsWith(PREFIX + "_") || rawToken.length() > MAX_TOKEN_LENGTH) {
            throw invalid();
        }
        String hash = Secrets.sha256(rawToken);
        EmailToken token = store.find(h, tenantId, hash).filter(t -> t.purpose() == purpose).orElseThrow(EmailTokens::invalid);
        if (token.usedAt() != null) {
            throw used();
        }
        if (token.voidedAt() != null) {
            throw new ApiError(400, "invalid_token", "This token was withdrawn: a newer request or a password change "
                    + "replaced it.");
        }
        if (!now.isBefore(token.expiresAt())) {
            throw new ApiError(400, "token_expired", "This token has expired; ask for a new one.");
        }
        if (expectedEmail != null && !expectedEmail.equals(token.email())) {
            throw new ApiError(400, "email_mismatch", "This token was not sent to that email address.");
        }
        return token;
    }

    /** Withdraws every unused token of this purpose, e.g. all reset links once the password changed. */
    public void voidOutstanding(Handle h, String tenantId, String customerId, TokenPurpose purpose) {
        store.voidOutstanding(h, tenantId, customerId, purpose, null, now());
    }

    /**
     * As {@link #voidOutstanding}, but the newest unused, unexpired token mailed to {@code keptEmail} stays live, even
     * one a request for another address withdrew in between: what a request sent again for that address gets while
     * the throttle holds its mail back, so that the shopper's link works (x, then y, then x again within the interval
     * would otherwise leave no link at all). The caller has checked the password and the session, so this gives no one
     * a link they could not have asked for.
     */
    public void keepOnlyNewestTo(Handle h, String tenantId, String customerId, TokenPurpose purpose,
                                 String keptEmail) {
        Instant now = now();
        store.voidOutstanding(h, tenantId, customerId, purpose, keptEmail, now);
        store.reviveNewest(h, tenantId, customerId, purpose, keptEmail, now);
    }

    /**
     * The account's address moved: the verification and reset tokens, the login code and the marketing confirmation
     * mailed to the old one stop working, and stay dead should the account move back to that address within their
     * lifetime (a consent confirmed from the old address would not be the new address owner's).
     */
    public void voidMailedToOldAddress(Handle h, String tenantId, String customerId) {
        voidOutstanding(h, tenantId, customerId, TokenPurpose.VERIFY_EMAIL);
        voidOutstanding(h, tenantId, customerId, TokenPurpose.PASSWORD_RESET);
        voidOutstanding(h, tenantId, customerId, TokenPurpose.LOGIN_CODE);
        voidOutstanding(h, tenantId, customerId, TokenPurpose.MARKETING_CONFIRMATION);
    }

    /**
     * Deletes the tenant's tokens that expired more than {@link #KEPT_AFTER_EXPIRY} ago. Until then an old link still
     * answers {@code token_expired}, which tells the shopper more than {@code invalid_token}.
     */
    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.deleteExpired(h, tenantId, now.minus(KEPT_AFTER_EXPIRY));
    }

    /** An emailed token as the customer's data export shows it: what it was for and where it went, never the token. */
    public record Held(String purpose, String email, Instant createdAt, Instant expiresAt, Instant usedAt,
                       Instant voidedAt) {
    }

    /**
     * Every token held for the customer, oldest first: among them the new address of an email change not yet
     * confirmed.
     */
    public List<Held> heldFor(Handle h, String tenantId, String customerId) {
        return store.allOf(h, tenantId, customerId).stream().map(token -> new Held(token.purpose().wire(),
                token.email(), token.createdAt(), token.expiresAt(), token.usedAt(), token.voidedAt())).toList();
    }

    /** The customer's part in an account's erasure: every token, used or not, with the address it went to. */
    public void erase(Handle h, String tenantId, String customerId) {
        store.deleteAll(h, tenantId, customerId);
    }

    /**
     * True when a token of this purpose went to this address less than {@code intervalSeconds} ago, for whichever
     * account: many accounts asking to move to one address must not flood it with confirmation mail.
     */
    public boolean throttled(Handle h, String tenantId, TokenPurpose purpose, String email, long intervalSeconds) {
        Instant cutoff = now().minusSeconds(intervalSeconds);
        return store.lastIssued(h, tenantId, purpose, email).map(cutoff::isBefore).orElse(false);
    }

    /**
     * Runs {@code work} (which reads {@link #throttled} and issues) in turn with every other transaction that asks for
     * this address and purpose, of any account and node: for an address that is no account's own (the new address of
     * an email change), where the account's row lock keeps out only that account's other requests. Two accounts asking
     * at once would both read the throttle before either's token was committed, and both mail the address. The caller
     * holds its account's row already: account first, address second, one address a transaction, so that no two wait
     * for each other in opposite order. Requests for other addresses never wait.
     */
    public <T> T inTurn(Handle h, String tenantId, TokenPurpose purpose, String email, Supplier<T> work) {
        String key = Secrets.sha256(email);
        store.takeTurn(h, tenantId, purpose, key);
        T result = work.get();
        // a work that throws leaves the insert to the rollback
        store.endTurn(h, tenantId, purpose, key);
        return result;
    }

    /**
     * The work of a request for an unknown address, so that it takes about as long as for a known one: a token is
     * drawn and hashed and the throttle is read, but nothing is stored or sent.
     */
    public void decoy(Handle h, String tenantId, TokenPurpose purpose, String email) {
        Secrets.sha256(Secrets.secret(PREFIX));
        store.lastIssued(h, tenantId, purpose, email);
    }

    public static ApiError invalid() {
        return new ApiError(400, "invalid_token", "This token is not valid.");
    }

    private static ApiError used() {
        return new ApiError(400, "token_used", "This token was already used.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
