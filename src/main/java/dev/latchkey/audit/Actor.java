package dev.latchkey.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who did an admin action, as the audit log records it: {@code "by": "admin"}, plus {@code staff_id} when a staff
 * member acted rather than the tenant's secret key; or {@code "by": "operator"} for the service's operator, with the
 * platform token.
 */
public record Actor(String by, String staffId) {
    public static final Actor SECRET_KEY = new Actor(null);
    public static final Actor OPERATOR = new Actor("operator", null);

    /** The merchant: a staff member, or the secret key when {@code staffId} is null. */
    public Actor(String staffId) {
        this("admin", staffId);
    }

    /** The event's data: who acted, then {@code details}. */
    public Map<String, Object> with(Map<String, ?> details) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("by", by);
        if (staffId != null) {
            data.put("staff_id", staffId);
        }
        data.putAll(details);
        return data;
    }
}
