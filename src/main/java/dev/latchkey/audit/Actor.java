package dev.latchkey.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who did an admin action, as the audit log records it: {@code "by": "admin"}, plus {@code staff_id} when a staff
 * member acted rather than the tenant's secret key.
 */
public record Actor(String staffId) {
    public static final Actor SECRET_KEY = new Actor(null);

    /** The event's data: who acted, then {@code details}. */
    public Map<String, Object> with(Map<String, ?> details) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("by", "admin");
        if (staffId != null) {
            data.put("staff_id", staffId);
        }
        data.putAll(details);
        return data;
    }
}
