package dev.latchkey.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One recorded security event, as the admin API shows it. {@code data} holds a few details, never a secret;
 * {@code staffId} names the merchant's staff member who acted, if one did.
 */
public record AuditEvent(String id, String type, String customerId, String ip, String userAgent, JsonNode data,
                         Instant createdAt, String staffId) {
}
