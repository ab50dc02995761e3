package dev.latchkey.staff;

import java.time.Duration;

/**
 * The two ways staff stay logged in. An API token ({@code stf_}) is sent as Bearer on admin routes; a dashboard
 * session ({@code dsh_}) lives in an HttpOnly cookie. Both end 12 hours after the login and after 30 minutes without
 * a request (OWASP ASVS 5.0 V7.3, NIST SP 800-63B AAL2): a staff token opens every customer's data, so one left
 * behind in a shell history or a script's log must not work for the rest of the day. Neither is accepted where the
 * other is expected.
 */
public enum StaffSessionKind {
    API("api", "stf", Duration.ofHours(12), Duration.ofMinutes(30)),
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

    /** How long the session survives without a request. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    public boolean marks(String rawToken) {
        return rawToken != null && rawToken.startsWith(prefix + "_") && rawToken.length() <= 128;
    }
}
