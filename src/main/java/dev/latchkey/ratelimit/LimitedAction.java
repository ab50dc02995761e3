package dev.latchkey.ratelimit;

/**
 * What is limited per client IP and per account (OWASP ASVS 5.0 V6.3, NIST SP 800-63B 5.2.2): guessing passwords,
 * creating accounts, sending mail to an address, and presenting emailed tokens.
 */
public enum LimitedAction {
    LOGIN("login"), REGISTRATION("registration"), RECOVERY("recovery"), VERIFICATION("verification");

    private final String wire;

    LimitedAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
