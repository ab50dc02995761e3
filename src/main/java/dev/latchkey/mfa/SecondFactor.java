package dev.latchkey.mfa;

import dev.latchkey.http.ApiError;
import org.bouncycastle.util.encoders.Base32;
import org.jdbi.v3.core.Handle;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The second factor of one kind of account (customers, staff): an authenticator app's seed kept encrypted, set up with
 * a first code, and one-time recovery codes. It decides nothing about who may change it: the callers (the customers'
 * {@link MfaService}, the staff's) hold the account's row and check its owner, then call these steps in their
 * transaction.
 */
public final class SecondFactor {
    public record Enrolment(String secret, String otpauthUri) {
    }

    /** A code that matched, not used yet: {@link #use} spends it. */
    public record Match(String method, long step, String recoveryHash) {
    }

    /** The ways a second factor may be given, as the login's answer names them. */
    public static final List<String> METHODS = List.of("totp", "recovery_code");
    public static final String TOTP = METHODS.get(0);
    private static final String RECOVERY_CODE = METHODS.get(1);
    /** RFC 4226 section 4 asks for at least 128 bits and recommends 160, the length of HMAC-SHA1's output. */
    private static final int SEED_BYTES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MfaStore store;
    private final SeedCipher cipher;
    private final BooleanSupplier serverKeyUsable;
    private final Clock clock;

    private SecondFactor(MfaStore store, SeedCipher cipher, BooleanSupplier serverKeyUsable, Clock clock) {
        this.store = store;
        this.cipher = cipher;
        this.serverKeyUsable = serverKeyUsable;
        this.clock = clock;
    }

    /**
     * {@code serverKey} is the server's key the seeds' key is derived from; {@code serverKeyUsable} tells whether it is
     * the deployment's (see the webhooks' fingerprint check), as a seed encrypted under another key is lost.
     */
    public static SecondFactor customers(byte[] serverKey, BooleanSupplier serverKeyUsable, Clock clock) {
        return new SecondFactor(MfaStore.CUSTOMERS, new SeedCipher(serverKey, SeedCipher.CUSTOMERS), serverKeyUsable,
                clock);
    }

    /** The staff's: their own tables, and a seed key of their own derived from the same server key. */
    public static SecondFactor staff(byte[] serverKey, BooleanSupplier serverKeyUsable, Clock clock) {
        return new SecondFactor(MfaStore.STAFF, new SeedCipher(serverKey, SeedCipher.STAFF), serverKeyUsable, clock);
    }

    MfaStore store() {
        return store;
    }

    /**
     * A new seed for the account, pending until a code of it is confirmed, replacing one shown before and not
     * confirmed; {@code issuer} and {@code label} name it in the authenticator app.
     */
    public Enrolment start(Handle h, String tenantId, String ownerId, String issuer, String label) {
        requireServerKey();
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        store.setPending(h, tenantId, ownerId, cipher.encrypt(tenantId, ownerId, seed), clock.instant());
        String secret = Base32.toBase32String(seed).replace("=", "");
        return new Enrolment(secret, otpauthUri(issuer, label, secret));
    }

    /** The Key Uri Format authenticator apps read from a QR code. */
    private static String otpauthUri(String issuer, String label, String secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(label) + "?secret=" + secret + "&issuer="
                + encode(issuer) + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A code of the pending seed makes it the account's and answers the first set of recovery codes; empty for a wrong
     * code. 409 {@code mfa_not_pending} without a pending seed ({@code startHint} says how to get one).
     */
    public Optional<List<String>> confirm(Handle h, String tenantId, String ownerId, String code, String startHint) {
        Instant now = clock.instant();
        String pending = store.totp(h, tenantId, ownerId).map(MfaStore.TotpRow::pendingSecret)
                .orElseThrow(() -> new ApiError(409, "mfa_not_pending", "No authenticator is being set up: "
                        + startHint + " first."));
        requireServerKey();
        byte[] seed = cipher.decrypt(tenantId, ownerId, pending);
        var step = Totp.matchingStep(seed, code.strip(), now, Long.MIN_VALUE);
        if (step.isEmpty()) {
            return Optional.empty();
        }
        store.confirmPending(h, tenantId, ownerId, step.getAsLong(), now);
        return Optional.of(newRecoveryCodes(h, tenantId, ownerId));
    }

    /** A new set of recovery codes, as shown once; the previous set is void. */
    public List<String> newRecoveryCodes(Handle h, String tenantId, String ownerId) {
        List<String> codes = RecoveryCodes.generate();
        store.replaceRecoveryCodes(h, tenantId, ownerId, codes.stream().map(RecoveryCodes::hash).toList());
        return codes;
    }

    public int unusedRecoveryCodes(Handle h, String tenantId, String ownerId) {
        return store.unusedRecoveryCodes(h, tenantId, ownerId);
    }

    /**
     * Whether {@code code} is a TOTP code of the account's seed not used yet, within the drift window, or one of its
     * unused recovery codes. The caller holds the account's row; nothing is spent until {@link #use}.
     */
    public Optional<Match> match(Handle h, String tenantId, String ownerId, String code) {
        String typed = code.strip();
        if (typed.length() == Totp.DIGITS && typed.chars().allMatch(Character::isDigit)) {
            var row = store.totp(h, tenantId, ownerId).filter(r -> r.secret() != null);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            requireServerKey();
            byte[] seed = cipher.decrypt(tenantId, ownerId, row.get().secret());
            long lastUsed = row.get().lastStep() == null ? Long.MIN_VALUE : row.get().lastStep();
            var step = Totp.matchingStep(seed, typed, clock.instant(), lastUsed);
            return step.isPresent() ? Optional.of(new Match(TOTP, step.getAsLong(), null)) : Optional.empty();
        }
        return RecoveryCodes.normalised(typed).map(RecoveryCodes::hash)
                .filter(hash -> store.unusedRecoveryCode(h, tenantId, ownerId, hash))
                .map(hash -> new Match(RECOVERY_CODE, 0, hash));
    }

    /** Spends a matched code: its time step, or the recovery code. */
    public void use(Handle h, String tenantId, String ownerId, Match match) {
        boolean used = match.recoveryHash() == null
                ? store.useStep(h, tenantId, ownerId, match.step(), clock.instant())
                : store.useRecoveryCode(h, tenantId, ownerId, match.recoveryHash(), clock.instant());
        if (!used) {
            throw new IllegalStateException("a code matched under the account's lock was spent meanwhile");
        }
    }

    /** The seed, the recovery codes and any login waiting for a code: turned off, reset, or the account erased. */
    public void delete(Handle h, String tenantId, String ownerId) {
        store.deleteAll(h, tenantId, ownerId);
    }

    /** The answer to a wrong code where the account's owner proves who they are. */
    public static ApiError wrongCode() {
        return new ApiError(403, "invalid_code", "The code is not a current code of the authenticator app, nor an "
                + "unused recovery code.");
    }

    private void requireServerKey() {
        if (!serverKeyUsable.getAsBoolean()) {
            throw new ApiError(503, "server_key_mismatch", "This node of the service has another server key than the "
                    + "others, so it cannot use the second factor's secrets; the operator is told in its log. Try "
                    + "again.").withHeader("Retry-After", "60");
        }
    }
}
