package dev.latchkey.ratelimit;

/**
 * What is limited per client IP and per account (OWASP ASVS 5.0 V6.3, NIST SP 800-63B 5.2.2): guessing passwords,
 * creating accounts, sending mail to an address, and presenting emailed tokens; staff logins (API and dashboard) have
 * their own buckets, so shoppers' traffic never throttles the merchant's staff.
 */
public enum LimitedAction {
    LOGIN("login"), REGISTRATION("registration"), RECOVERY("recovery"), VERIFICATION("verification"),
    STAFF_LOGIN("staff-login");

    private final String wire;

    LimitedAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
