package dev.latchkey.mfa;

import dev.latchkey.auth.Secrets;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.Customer;
import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Logins waiting for their second factor, of one kind of account (customers, staff): a correct first factor of an
 * account with two-step sign-in gets a short-lived, single-use {@code mfa_} token instead of a session, kept only as its
 * hash, good for {@link #MAX_TRIES} codes. What the kind's login needs to finish then rides along as its context.
 */
public final class LoginChallenges {
    /** A login waiting for its second factor: whose, how the first factor was given, and the kind's context. */
    public record PendingLogin(String tokenHash, String ownerId, String firstFactor, int attempts,
                               Map<String, String> context) {
        /** A customer's login: the guest cart to claim when it completes, if any. */
        public GuestCart guestCart() {
            String cartId = context.get(GUEST_CART);
            return cartId == null ? null : new GuestCart(cartId, context.get(GUEST_SESSION));
        }
    }

    /** How long a login waits for its second factor. */
    public static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);
    /** Wrong codes a login may take before its token is void and the password is asked again. */
    public static final int MAX_TRIES = 5;
    private static final String GUEST_CART = "guest_cart_id";
    private static final String GUEST_SESSION = "guest_session_id";

    private final Database db;
    private final MfaStore store;
    private final Clock clock;

    public LoginChallenges(Database db, SecondFactor factor, Clock clock) {
        this.db = db;
        this.store = factor.store();
        this.clock = clock;
    }

    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.deleteExpiredChallenges(h, tenantId, now);
    }

    /** A customer's login waiting for its second factor, carrying the guest cart the login would have claimed. */
    public String challenge(Handle h, Customer customer, GuestCart guestCart, String firstFactor) {
        Map<String, String> context = new HashMap<>();
        context.put(GUEST_CART, guestCart == null ? null : guestCart.cartId());
        context.put(GUEST_SESSION, guestCart == null ? null : guestCart.sessionId());
        return challenge(h, customer.tenantId(), customer.id(), firstFactor, context);
    }

    /**
     * A login waiting for its second factor, issued in the login's transaction: the raw {@code mfa_} token (kept only
     * as its hash), living {@link #CHALLENGE_TTL}. {@code context} holds a value (or null) for each of the kind's
     * columns.
     */
    public String challenge(Handle h, String tenantId, String ownerId, String firstFactor,
                            Map<String, String> context) {
        if (!context.keySet().equals(Set.copyOf(store.contextColumns()))) {
            throw new IllegalArgumentException("a challenge's context names the kind's columns: "
                    + store.contextColumns());
        }
        String token = Secrets.secret("mfa");
        Instant now = clock.instant();
        store.insertChallenge(h, tenantId, new MfaStore.Challenge(Secrets.sha256(token), ownerId, firstFactor, 0,
                context), now, now.plus(CHALLENGE_TTL));
        return token;
    }

    /** The live login waiting behind {@code token}, its row locked; empty when unknown, expired or used up. */
    public Optional<PendingLogin> lock(Handle h, String tenantId, String token) {
        return store.lockChallenge(h, tenantId, Secrets.sha256(token), clock.instant())
                .map(c -> new PendingLogin(c.tokenHash(), c.ownerId(), c.firstFactor(), c.attempts(), c.context()));
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
     * For every one of the accounts, whose sessions ended together.
     */
    public void endAll(Handle h, String tenantId, List<String> accountIds) {
        store.deleteChallenges(h, tenantId, accountIds);
    }

    /** The login got its second factor (or can no longer): its token is spent. */
    public void end(Handle h, String tenantId, PendingLogin login) {
        store.deleteChallenge(h, tenantId, login.tokenHash());
    }
}
