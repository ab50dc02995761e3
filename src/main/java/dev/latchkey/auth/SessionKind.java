package dev.latchkey.auth;

public enum SessionKind {
    CUSTOMER("cust"), ANONYMOUS("anon");

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
}
