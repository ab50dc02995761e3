package dev.latchkey.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** Request bodies that, unlike {@link Map#of}, may hold null values (to clear a field). */
public final class Bodies {
    private Bodies() {
    }

    /** A map from alternating keys and values: {@code of("first_name", null, "title", "Dr")}. */
    public static Map<String, Object> of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }
}
