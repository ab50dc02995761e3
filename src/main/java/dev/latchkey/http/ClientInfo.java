package dev.latchkey.http;

/**
 * Who is calling, as far as the network tells, and the merchant's staff member when one acts (else null): recorded on
 * sessions and in the audit log.
 */
public record ClientInfo(String ip, String userAgent, String staffId) {
    public static final int MAX_USER_AGENT = 512;

    public ClientInfo(String ip, String userAgent) {
        this(ip, userAgent, null);
    }

    public ClientInfo {
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
    }
}
