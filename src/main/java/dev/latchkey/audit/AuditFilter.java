package dev.latchkey.audit;

import java.time.Instant;

/**
 * Which events a listing shows: of one customer, of one type, and recorded at or after {@code since} and before
 * {@code until}; each applies when not null.
 */
public record AuditFilter(String customerId, AuditType type, Instant since, Instant until) {
    public static AuditFilter about(String customerId) {
        return new AuditFilter(customerId, null, null, null);
    }
}
