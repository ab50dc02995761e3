package dev.latchkey.address;

import dev.latchkey.customer.ProfileInput;
import dev.latchkey.http.JsonInput;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads address fields from a request: present fields change (null or "" clears), absent fields stay. Bounds match the
 * column sizes. Whether a postal code fits the country is checked here when both are sent, and again by the service
 * on the merged address, since a PATCH may send only one of them.
 */
public final class AddressInput {
    public static final int MAX_TAGS = 10;
    public static final int MAX_TAG_LENGTH = 32;
    private static final Set<String> READ_ONLY =
            Set.of("id", "is_default_shipping", "is_default_billing", "created_at", "updated_at");
    private static final List<String> REQUIRED = List.of("line1", "city", "country");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Pattern TAG = Pattern.compile("^[A-Z0-9_]{1," + MAX_TAG_LENGTH + "}$");

    private final Map<String, Object> changes;

    private AddressInput(Map<String, Object> changes) {
        this.changes = changes;
    }

    /** A new address: {@code line1}, {@code city} and {@code country} must be given. */
    public static AddressInput forCreate(JsonInput in) {
        return read(in, true);
    }

    /** A change: required fields may be left out, not cleared. */
    public static AddressInput forUpdate(JsonInput in) {
        return read(in, false);
    }

    private static AddressInput read(JsonInput in, boolean creating) {
        in.rejectPresent(READ_ONLY);
        Map<String, Object> changes = new HashMap<>();
        in.textChange("first_name", 100, changes);
        in.textChange("last_name", 100, changes);
        in.textChange("company", 200, changes);
        in.textChange("line1", 200, changes);
        in.textChange("line2", 200, changes);
        in.textChange("city", 100, changes);
        in.textChange("region", 100, changes);
        ProfileInput.phone(in, changes);
        Optional<String> country = readCountry(in, changes);
        in.textChange("postal_code", 16, changes).ifPresent(raw -> {
            String postalCode = raw.toUpperCase(Locale.ROOT);
            changes.put("postal_code", postalCode);
            PostalCodes.problem(country.orElse(null), postalCode)
                    .ifPresent(message -> in.reject("postal_code", "invalid", message));
        });
        readTags(in, changes);
        for (String field : REQUIRED) {
            boolean missing = creating ? changes.get(field) == null
                    : changes.containsKey(field) && changes.get(field) == null;
            if (missing && !in.hasErrorFor(field)) {
                in.reject(field, "required", field + (creating ? " is required." : " cannot be cleared."));
            }
        }
        return new AddressInput(changes);
    }

    private static Optional<String> readCountry(JsonInput in, Map<String, Object> changes) {
        return in.textChange("country", 64, changes).map(raw -> raw.toUpperCase(Locale.ROOT)).flatMap(code -> {
            if (!COUNTRIES.contains(code)) {
                in.reject("country", "invalid", "country must be an ISO 3166-1 alpha-2 code such as DE or US.");
                return Optional.empty();
            }
            changes.put("country", code);
            return Optional.of(code);
        });
    }

    private static void readTags(JsonInput in, Map<String, Object> changes) {
        if (!in.has("tags")) {
            return;
        }
        Optional<List<String>> tags = in.distinctStrings("tags", MAX_TAGS, MAX_TAG_LENGTH);
        if (in.hasErrorFor("tags")) {
            return;
        }
        List<String> values = tags.orElse(List.of());
        if (values.stream().anyMatch(tag -> !TAG.matcher(tag).matches())) {
            in.reject("tags", "invalid", "tags must be upper-case words of A-Z, 0-9 and _, such as SHIPPING.");
            return;
        }
        changes.put("tags", values);
    }

    @SuppressWarnings("unchecked")
    AddressFields applyTo(AddressFields a) {
        return new AddressFields(get("first_name", a.firstName()), get("last_name", a.lastName()),
                get("company", a.company()), get("line1", a.line1()), get("line2", a.line2()), get("city", a.city()),
                get("region", a.region()), get("postal_code", a.postalCode()), get("country", a.country()),
                get("phone", a.phone()), (List<String>) changes.getOrDefault("tags", a.tags()));
    }

    private String get(String field, String fallback) {
        return changes.containsKey(field) ? (String) changes.get(field) : fallback;
    }
}
