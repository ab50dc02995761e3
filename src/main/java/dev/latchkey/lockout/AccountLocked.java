package dev.latchkey.lockout;

import dev.latchkey.http.ClientInfo;

import java.time.Instant;

/** The event of an account being locked just now; {@code client} made the attempt that locked it. */
public record AccountLocked(String tenantId, String customerId, String email, Instant lockedUntil, int lockCount,
                            long durationSeconds, ClientInfo client) {
}
