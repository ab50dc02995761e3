package dev.latchkey.ratelimit;

/**
 * What is limited per client IP and per account (OWASP ASVS 5.0 V6.3, NIST SP 800-63B 5.2.2): guessing passwords,
 * creating accounts, sending mail to an address, and presenting emailed tokens; staff logins (API and dashboard) have
 * their own buckets, so shoppers' traffic never throttles the merchant's staff. Starting guest sessions names no
 * account and is limited per IP only: each one stores a session, so a script must not be able to fill the database.
 */
public enum LimitedAction {
    LOGIN("login", true, false), REGISTRATION("registration", true, false), RECOVERY("recovery", true, false),
    VERIFICATION("verification", true, false), STAFF_LOGIN("staff-login", true, true),
    ANONYMOUS("anonymous", false, false);

    private final String wire;
    private final boolean namesAccount;
    private final boolean ipAcrossTenants;

    LimitedAction(String wire, boolean namesAccount, boolean ipAcrossTenants) {
        this.wire = wire;
        this.namesAccount = namesAccount;
        this.ipAcrossTenants = ipAcrossTenants;
    }

    public String wire() {
        return wire;
    }

    /** Whether a request of this kind names an account, so that a per-account quota can apply to it. */
    public boolean namesAccount() {
        return namesAccount;
    }

    /**
     * Whether one client IP has one bucket for every tenant. A staff login names its shop in the body, so with a bucket
     * per tenant one address could try passwords across every shop, and shops that do not exist, each with a fresh
     * quota. A storefront's key names the tenant, and one shop's shoppers must not throttle another's.
     */
    public boolean ipAcrossTenants() {
        return ipAcrossTenants;
    }
}
