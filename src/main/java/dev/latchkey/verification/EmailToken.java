package dev.latchkey.verification;

import java.time.Instant;

/** A stored emailed token, without the token: it is bound to a tenant, a customer, a purpose and an address. */
public record EmailToken(String tenantId, String customerId, TokenPurpose purpose, String email, Instant createdAt,
                         Instant expiresAt, Instant usedAt, Instant voidedAt) {
}
