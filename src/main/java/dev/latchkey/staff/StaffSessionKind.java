package dev.latchkey.staff;

import java.time.Duration;

/**
 * The two ways staff stay logged in. An API token ({@code stf_}) is sent as Bearer on admin routes; a dashboard
 * session ({@code dsh_}) lives in an HttpOnly cookie and also ends after a while without requests (OWASP ASVS 5.0
 * V7.3). Neither is accepted where the other is expected.
 */
public enum StaffSessionKind {
    API("api", "stf", Duration.ofHours(12), null),
    DASHBOARD("dashboard", "dsh", Duration.ofHours(12), Duration.ofMinutes(30));

    private final String wire;
    private final String prefix;
    private final Duration lifetime;
    private final Duration idleTimeout;

    StaffSessionKind(String wire, String prefix, Duration lifetime, Duration idleTimeout) {
        this.wire = wire;
        this.prefix = prefix;
        this.lifetime = lifetime;
        this.idleTimeout = idleTimeout;
    }

    public String wire() {
        return wire;
    }

    public String prefix() {
        return prefix;
    }

    /** The absolute lifetime, counted from the login. */
    public Duration lifetime() {
        return lifetime;
    }

    /** How long the session survives without a request, or null when only the lifetime counts. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    public boolean marks(String rawToken) {
        return rawToken != null && rawToken.startsWith(prefix + "_") && rawToken.length() <= 128;
    }
}
