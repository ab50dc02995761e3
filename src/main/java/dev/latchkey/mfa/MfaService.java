package dev.latchkey.mfa;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.PasswordConfirmation;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.verification.CustomerMail;
import org.bouncycastle.util.encoders.Base32;
import org.jdbi.v3.core.Handle;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The customer's second factor: an authenticator app (TOTP) set up with the password typed again and confirmed with a
 * first code, recovery codes, turning it off, and the merchant's reset for a customer who lost their phone. A wrong
 * code where the account's owner proves who they are (turning it off, new recovery codes, a login) counts toward the
 * account's lockout as a wrong password does.
 */
public final class MfaService {
    public record Status(boolean totpEnabled, Instant enabledAt, int recoveryCodesRemaining) {
    }

    public record Enrolment(String secret, String otpauthUri) {
    }

    /** A code that matched, not used yet: {@link #use} spends it. */
    public record Match(String method, long step, String recoveryHash) {
    }

    /** The ways a second factor may be given, as the login's answer names them. */
    public static final List<String> METHODS = List.of("totp", "recovery_code");
    /** RFC 4226 section 4 asks for at least 128 bits and recommends 160, the length of HMAC-SHA1's output. */
    private static final int SEED_BYTES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TOTP = METHODS.get(0);
    private static final String RECOVERY_CODE = METHODS.get(1);

    private final Database db;
    private final MfaStore store = new MfaStore();
    private final TenantService tenants;
    private final CustomerService customers;
    private final PasswordConfirmation passwords;
    private final LockoutService lockout;
    private final CustomerMail mail;
    private final AuditLog audit;
    private final SeedCipher cipher;
    private final BooleanSupplier serverKeyUsable;
    private final Clock clock;

    /**
     * {@code serverKey} is the server's key the seeds' key is derived from; {@code serverKeyUsable} tells whether it is
     * the deployment's (see the webhooks' fingerprint check), as a seed encrypted under another key is lost.
     */
    public MfaService(Database db, TenantService tenants, CustomerService customers, PasswordConfirmation passwords,
                      LockoutService lockout, CustomerMail mail, AuditLog audit, byte[] serverKey,
                      BooleanSupplier serverKeyUsable, Clock clock) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.passwords = passwords;
        this.lockout = lockout;
        this.mail = mail;
        this.audit = audit;
        this.cipher = new SeedCipher(serverKey);
        this.serverKeyUsable = serverKeyUsable;
        this.clock = clock;
    }

    public Status status(String tenantId, String customerId) {
        return db.read(h -> {
            Customer customer = customers.own(h, tenantId, customerId);
            return new Status(customer.mfaEnabled(), customer.mfaEnabledAt(),
                    store.unusedRecoveryCodes(h, tenantId, customerId));
        });
    }

    /**
     * A new seed, pending until a code of it is confirmed; it replaces one shown before and not confirmed. 409
     * {@code mfa_already_enabled} when the account has a second factor: it is turned off first.
     */
    public Enrolment startTotp(AccessToken token, String password, ClientInfo client) {
        passwords.confirm(token, password, "mfa_enrolment", client);
        requireServerKey();
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        Customer customer = db.tx(h -> {
            Customer locked = customers.lockOwn(h, token.tenantId(), token.customerId());
            if (locked.mfaEnabled()) {
                throw new ApiError(409, "mfa_already_enabled", "Two-step sign-in is on already; turn it off first "
                        + "to set up another authenticator.");
            }
            store.setPending(h, token.tenantId(), locked.id(),
                    cipher.encrypt(token.tenantId(), locked.id(), seed), clock.instant());
            return locked;
        });
        String secret = Base32.toBase32String(seed).replace("=", "");
        return new Enrolment(secret, otpauthUri(tenants.tenant(token.tenantId()).name(), customer.email(), secret));
    }

    /** The Key Uri Format authenticator apps read from a QR code: the shop's name as issuer, the address as label. */
    private static String otpauthUri(String issuer, String email, String secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(email) + "?secret=" + secret + "&issuer="
                + encode(issuer) + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A code of the pending seed turns the second factor on and answers the first set of recovery codes, shown only
     * now. 409 {@code mfa_not_pending} without a pending seed; 403 {@code invalid_code} for a wrong code (not counted
     * toward the lockout: only who holds the session, and so saw the seed, can confirm it).
     */
    public List<String> confirmTotp(AccessToken token, String code, ClientInfo client) {
        Instant now = clock.instant();
        Optional<List<String>> codes = db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            if (customer.mfaEnabled()) {
                throw new ApiError(409, "mfa_already_enabled", "Two-step sign-in is on already.");
            }
            String pending = store.totp(h, token.tenantId(), customer.id()).map(MfaStore.TotpRow::pendingSecret)
                    .orElseThrow(() -> new ApiError(409, "mfa_not_pending", "No authenticator is being set up: "
                            + "POST /v1/me/mfa/totp first."));
            requireServerKey();
            byte[] seed = cipher.decrypt(token.tenantId(), customer.id(), pending);
            var step = Totp.matchingStep(seed, code, now, Long.MIN_VALUE);
            if (step.isEmpty()) {
                return Optional.<List<String>>empty();
            }
            store.confirmPending(h, token.tenantId(), customer.id(), step.getAsLong(), now);
            customers.setMfaEnabled(h, customer, true);
            List<String> fresh = newRecoveryCodes(h, customer);
            audit.record(h, token.tenantId(), customer.id(), AuditType.MFA_ENABLED, client,
                    Map.of("method", TOTP, "session_id", token.sessionId()));
            mail.send(h, customer, customer.email(), MailTemplate.MFA_ENABLED_NOTICE, Map.of(), null);
            return Optional.of(fresh);
        });
        return codes.orElseThrow(() -> wrongCode(token, "confirm", false, client));
    }

    /** Turns the second factor off with the password and a code (TOTP or recovery code). */
    public void disable(AccessToken token, String password, String code, ClientInfo client) {
        withSecondFactor(token, password, code, "disable", client, (h, customer) -> {
            turnOff(h, customer);
            audit.record(h, token.tenantId(), customer.id(), AuditType.MFA_DISABLED, client,
                    Map.of("session_id", token.sessionId()));
            mail.send(h, customer, customer.email(), MailTemplate.MFA_DISABLED_NOTICE, Map.of(), null);
            return null;
        });
    }

    /** A new set of recovery codes with the password and a code; the previous set is void. */
    public List<String> regenerateRecoveryCodes(AccessToken token, String password, String code, ClientInfo client) {
        return withSecondFactor(token, password, code, "recovery_codes", client, (h, customer) -> {
            List<String> fresh = newRecoveryCodes(h, customer);
            audit.record(h, token.tenantId(), customer.id(), AuditType.MFA_RECOVERY_CODES_REGENERATED, client,
                    Map.of("session_id", token.sessionId()));
            return fresh;
        });
    }

    private interface Change<T> {
        T apply(Handle h, Customer customer);
    }

    private record Checked<T>(boolean matched, T changed) {
    }

    private <T> T withSecondFactor(AccessToken token, String password, String code, String action, ClientInfo client,
                                   Change<T> change) {
        passwords.confirm(token, password, "mfa_" + action, client);
        Checked<T> checked = db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            requireEnabled(customer);
            Optional<Match> match = match(h, customer, code);
            if (match.isEmpty()) {
                return new Checked<T>(false, null);
            }
            use(h, customer, match.get());
            return new Checked<>(true, change.apply(h, customer));
        });
        if (!checked.matched()) {
            throw wrongCode(token, action, true, client);
        }
        return checked.changed();
    }

    /**
     * The merchant's support turns a customer's second factor off (a lost phone), after checking who asks by its own
     * means. 409 {@code mfa_not_enabled} when it is off.
     */
    public void reset(String tenantId, String customerId, Actor actor, ClientInfo client) {
        db.tx(h -> {
            Customer customer = customers.lockExisting(h, tenantId, customerId);
            requireEnabled(customer);
            turnOff(h, customer);
            audit.record(h, tenantId, customerId, AuditType.MFA_RESET, client, actor.with(Map.of()));
            mail.send(h, customer, customer.email(), MailTemplate.MFA_DISABLED_NOTICE,
                    Map.of("changed_by_shop", "yes"), null);
            return null;
        });
    }

    private void turnOff(Handle h, Customer customer) {
        store.deleteAll(h, customer.tenantId(), customer.id());
        customers.setMfaEnabled(h, customer, false);
    }

    private static void requireEnabled(Customer customer) {
        if (!customer.mfaEnabled()) {
            throw new ApiError(409, "mfa_not_enabled", "Two-step sign-in is not on for this account.");
        }
    }

    private List<String> newRecoveryCodes(Handle h, Customer customer) {
        List<String> codes = RecoveryCodes.generate();
        store.replaceRecoveryCodes(h, customer.tenantId(), customer.id(),
                codes.stream().map(RecoveryCodes::hash).toList());
        return codes;
    }

    /**
     * Whether {@code code} is a TOTP code of the account's seed not used yet, within the drift window, or one of its
     * unused recovery codes. The caller holds the account's row; nothing is spent until {@link #use}.
     */
    public Optional<Match> match(Handle h, Customer customer, String code) {
        String typed = code.strip();
        if (typed.length() == Totp.DIGITS && typed.chars().allMatch(Character::isDigit)) {
            var row = store.totp(h, customer.tenantId(), customer.id()).filter(r -> r.secret() != null);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            requireServerKey();
            byte[] seed = cipher.decrypt(customer.tenantId(), customer.id(), row.get().secret());
            long lastUsed = row.get().lastStep() == null ? Long.MIN_VALUE : row.get().lastStep();
            var step = Totp.matchingStep(seed, typed, clock.instant(), lastUsed);
            return step.isPresent() ? Optional.of(new Match(TOTP, step.getAsLong(), null)) : Optional.empty();
        }
        return RecoveryCodes.normalised(typed).map(RecoveryCodes::hash)
                .filter(hash -> store.unusedRecoveryCode(h, customer.tenantId(), customer.id(), hash))
                .map(hash -> new Match(RECOVERY_CODE, 0, hash));
    }

    /** Spends a matched code: its time step, or the recovery code. */
    public void use(Handle h, Customer customer, Match match) {
        boolean used = match.recoveryHash() == null
                ? store.useStep(h, customer.tenantId(), customer.id(), match.step(), clock.instant())
                : store.useRecoveryCode(h, customer.tenantId(), customer.id(), match.recoveryHash(), clock.instant());
        if (!used) {
            throw new IllegalStateException("a code matched under the account's lock was spent meanwhile");
        }
    }

    /**
     * A wrong code from the account's owner proving who they are: recorded, counted toward the lockout unless
     * {@code counted} is false, and 403 {@code invalid_code}.
     */
    private ApiError wrongCode(AccessToken token, String action, boolean counted, ClientInfo client) {
        if (counted) {
            lockout.attemptWithWrongPassword(token.tenantId(), tenants.settings(token.tenantId()), token.customerId(),
                    token.email(), client);
        }
        audit.record(token.tenantId(), token.customerId(), AuditType.MFA_CHECK_FAILED, client,
                Map.of("action", action, "reason", "wrong_code"));
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

    /** An erasure step: the seed, the recovery codes and any login waiting for a code. */
    public void erase(Handle h, String tenantId, String customerId) {
        store.deleteAll(h, tenantId, customerId);
    }
}
