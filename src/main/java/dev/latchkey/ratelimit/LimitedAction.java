package dev.latchkey.ratelimit;

/**
 * What is limited per client IP and per account (OWASP ASVS 5.0 V6.3, NIST SP 800-63B 5.2.2): guessing passwords,
 * creating accounts, sending mail to an address, and presenting emailed tokens; staff logins (API and dashboard) have
 * their own buckets, so shoppers' traffic never throttles the merchant's staff. Starting guest sessions names no
 * account and is limited per IP only: each one stores a session, so a script must not be able to fill the database.
 */
public enum LimitedAction {
    LOGIN("login", true), REGISTRATION("registration", true), RECOVERY("recovery", true),
    VERIFICATION("verification", true), STAFF_LOGIN("staff-login", true), ANONYMOUS("anonymous", false);

    private final String wire;
    private final boolean namesAccount;

    LimitedAction(String wire, boolean namesAccount) {
        this.wire = wire;
        this.namesAccount = namesAccount;
    }

    public String wire() {
        return wire;
    }

    /** Whether a request of this kind names an account, so that a per-account quota can apply to it. */
    public boolean namesAccount() {
        return namesAccount;
    }
}
