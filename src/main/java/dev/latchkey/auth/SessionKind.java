package dev.latchkey.auth;

/** The kinds of session, by the prefix of their access tokens: a customer's, a guest's, an agent's for a customer. */
public enum SessionKind {
    CUSTOMER("cust"), ANONYMOUS("anon"), AGENT("agt");

    private final String accessPrefix;

    SessionKind(String accessPrefix) {
        this.accessPrefix = accessPrefix;
    }

    public String accessPrefix() {
        return accessPrefix;
    }

    public String wire() {
        return name().toLowerCase();
    }

    public static SessionKind fromWire(String value) {
        return valueOf(value.toUpperCase());
    }

    /** Whether {@code raw} looks like an access token of some kind of session (it may still be unknown). */
    static boolean marksAccessToken(String raw) {
        for (SessionKind kind : values()) {
            if (raw.startsWith(kind.accessPrefix + "_")) {
                return true;
            }
        }
        return false;
    }
}
