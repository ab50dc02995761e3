package dev.latchkey.mfa;

import dev.latchkey.auth.Secrets;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.Customer;
import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Logins waiting for their second factor: a correct first factor of an account with two-step sign-in gets a
 * short-lived, single-use {@code mfa_} token instead of a session, kept only as its hash, good for
 * {@link #MAX_TRIES} codes.
 */
public final class LoginChallenges {
    /** A login waiting for its second factor: the guest cart to claim then, and how the first factor was given. */
    public record PendingLogin(String tokenHash, String customerId, GuestCart guestCart, String firstFactor,
                               int attempts) {
    }

    /** How long a login waits for its second factor. */
    public static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);
    /** Wrong codes a login may take before its token is void and the password is asked again. */
    public static final int MAX_TRIES = 5;

    private final Database db;
    private final MfaStore store = new MfaStore();
    private final Clock clock;

    public LoginChallenges(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.deleteExpiredChallenges(h, tenantId, now);
    }

    /**
     * A login waiting for its second factor, issued in the login's transaction: the raw {@code mfa_} token (kept only
     * as its hash), living {@link #CHALLENGE_TTL}, carrying the guest cart the login would have claimed.
     */
    public String challenge(Handle h, Customer customer, GuestCart guestCart, String firstFactor) {
        String token = Secrets.secret("mfa");
        Instant now = clock.instant();
        store.insertChallenge(h, customer.tenantId(), new MfaStore.Challenge(Secrets.sha256(token), customer.id(),
                guestCart == null ? null : guestCart.cartId(), guestCart == null ? null : guestCart.sessionId(),
                firstFactor, 0), now, now.plus(CHALLENGE_TTL));
        return token;
    }

    /** The live login waiting behind {@code token}, its row locked; empty when unknown, expired or used up. */
    public Optional<PendingLogin> lock(Handle h, String tenantId, String token) {
        return store.lockChallenge(h, tenantId, Secrets.sha256(token), clock.instant())
                .map(c -> new PendingLogin(c.tokenHash(), c.customerId(),
                        c.guestCartId() == null ? null : new GuestCart(c.guestCartId(), c.guestSessionId()),
                        c.firstFactor(), c.attempts()));
    }

    /** The address of the account a live challenge is for, so that its tries count in that account's rate limit. */
    public Optional<String> challengedEmail(String tenantId, String token) {
        return db.read(h -> store.challengedEmail(h, tenantId, Secrets.sha256(token), clock.instant()));
    }

    /** Books a wrong code on the login; the {@link #MAX_TRIES}th ends it. */
    public void failedTry(Handle h, String tenantId, PendingLogin login) {
        if (login.attempts() + 1 >= MAX_TRIES) {
            store.deleteChallenge(h, tenantId, login.tokenHash());
        } else {
            store.countFailure(h, tenantId, login.tokenHash());
        }
    }

    /**
     * Every login of the account still waiting for its second factor, as its sessions end: the first factor they passed
     * may no longer hold (a new password), and whatever ended the sessions must not be undone by the second factor.
     */
    public void endAll(Handle h, String tenantId, String customerId) {
        store.deleteChallenges(h, tenantId, customerId);
    }

    /** The login got its second factor (or can no longer): its token is spent. */
    public void end(Handle h, String tenantId, PendingLogin login) {
        store.deleteChallenge(h, tenantId, login.tokenHash());
    }
}
