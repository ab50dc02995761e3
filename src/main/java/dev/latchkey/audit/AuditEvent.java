package dev.latchkey.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * One recorded security event, as the admin API shows it. {@code data} holds a few details, never a secret;
 * {@code staffId} names the merchant's staff member who acted, if one did, and {@code apiKeyId} the secret key an
 * admin action was taken with.
 */
public record AuditEvent(String id, String type, String customerId, String ip, String userAgent, JsonNode data,
                         Instant createdAt, String staffId, String apiKeyId) {
    /**
     * The event as the customer's own data export shows it. Where the merchant acted (a staff member or the secret
     * key, {@code "by": "admin"}), the IP address and user agent are the merchant's and the staff id names one of their
     * people: personal data of others (GDPR Art. 15(4)), withheld; so is the key id, the merchant's own bookkeeping.
     * That the merchant acted stays visible.
     */
    public AuditEvent asExported() {
        boolean byMerchant = staffId != null || apiKeyId != null || "admin".equals(data.path("by").asText(null));
        if (!byMerchant) {
            return this;
        }
        JsonNode shown = data;
        if (data instanceof ObjectNode object && object.has("staff_id")) {
            shown = object.deepCopy().without("staff_id");
        }
        return new AuditEvent(id, type, customerId, null, null, shown, createdAt, null, null);
    }
}
