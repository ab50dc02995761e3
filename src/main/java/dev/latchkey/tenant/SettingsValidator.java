package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.FieldError;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a partial settings document to the current settings. Every field is checked against its rule; unknown fields
 * are refused so that a typo never silently keeps a default.
 */
public final class SettingsValidator {
    private record Range(long min, long max) {
    }

    private static final Map<String, Range> NUMBERS = Map.ofEntries(
            Map.entry("access_token_ttl", new Range(60, 2_592_000)),
            Map.entry("refresh_token_ttl", new Range(60, 31_536_000)),
            Map.entry("session_max_lifetime", new Range(3_600, 31_536_000)),
            Map.entry("anonymous_token_ttl", new Range(60, 2_592_000)),
            Map.entry("anonymous_refresh_ttl", new Range(60, 31_536_000)),
            Map.entry("password_min_length", new Range(8, 64)),
            Map.entry("password_reset_ttl", new Range(60, 86_400)),
            Map.entry("verification_ttl", new Range(60, 2_592_000)),
            Map.entry("refresh_reuse_grace", new Range(0, 300)),
            Map.entry("email_interval", new Range(0, 86_400)),
            Map.entry("lockout_threshold", new Range(1, TenantSettings.MAX_LOCKOUT_THRESHOLD)),
            Map.entry("lockout_duration", new Range(1, 86_400)),
            Map.entry("password_min_score", new Range(0, 4)),
            Map.entry("login_code_ttl", new Range(60, 3_600)));
    private static final Set<String> BOOLEANS = Set.of("require_email_verification", "require_activation",
            "deletion_requires_confirmation", "login_codes", "require_staff_mfa", "passkeys", "marketing_double_opt_in",
            "staff_impersonation");
    private static final Set<String> MERGE_STRATEGIES = Set.of("merge", "replace", "keep");
    private static final int MAX_ORIGINS = 50;

    private final ObjectMapper mapper;

    public SettingsValidator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public TenantSettings apply(TenantSettings current, ObjectNode patch, String fieldPrefix) {
        ObjectNode merged = mapper.valueToTree(current);
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            var entry = it.next();
            String name = entry.getKey();
            String field = fieldPrefix + name;
            JsonNode value = entry.getValue();
            if (NUMBERS.containsKey(name)) {
                Range range = NUMBERS.get(name);
                if (!JsonInput.isWholeNumber(value) || !value.canConvertToLong()) {
                    errors.add(new FieldError(field, "invalid_type", name + " must be a whole number."));
                } else if (value.longValue() < range.min() || value.longValue() > range.max()) {
                    errors.add(new FieldError(field, "out_of_range",
                            name + " must be between " + range.min() + " and " + range.max() + "."));
                } else {
                    merged.put(name, value.longValue());
                }
            } else if (BOOLEANS.contains(name)) {
                if (!value.isBoolean()) {
                    errors.add(new FieldError(field, "invalid_type", name + " must be true or false."));
                } else {
                    merged.put(name, value.booleanValue());
                }
            } else if (name.equals("cart_merge_strategy")) {
                if (!value.isTextual() || !MERGE_STRATEGIES.contains(value.textValue())) {
                    errors.add(new FieldError(field, "invalid", "cart_merge_strategy must be merge, replace or keep."));
                } else {
                    merged.put(name, value.textValue());
                }
            } else if (name.equals("allowed_origins")) {
                checkOrigins(value, field, current.allowedOrigins(), errors)
                        .ifPresent(origins -> merged.set(name, mapper.valueToTree(origins)));
            } else if (name.equals("webauthn_rp_id")) {
                RelyingParty.checkId(value, field, errors).ifPresentOrElse(id -> merged.put(name, id),
                        () -> merged.putNull(name));
            } else if (name.equals("webauthn_origins")) {
                checkOrigins(value, field, List.of(), errors)
                        .ifPresent(origins -> merged.set(name, mapper.valueToTree(origins)));
            } else {
                errors.add(new FieldError(field, "unknown_field", name + " is not a tenant setting."));
            }
        }
        if (errors.isEmpty()) {
            RelyingParty.checkOrigins(merged, fieldPrefix, errors);
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        return mapper.convertValue(merged, TenantSettings.class);
    }

    /** The names of the settings whose values differ between {@code before} and {@code after}. */
    public List<String> changed(TenantSettings before, TenantSettings after) {
        ObjectNode was = mapper.valueToTree(before);
        ObjectNode now = mapper.valueToTree(after);
        List<String> names = new ArrayList<>();
        was.fieldNames().forEachRemaining(name -> {
            if (!was.get(name).equals(now.get(name))) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * An origin already allowed stays allowed: one stored before plain http was refused is kept, so that the merchant
     * can still save every other setting (the dashboard sends them all) until they replace it.
     */
    private static java.util.Optional<List<String>> checkOrigins(JsonNode value, String field, List<String> stored,
                                                                 List<FieldError> errors) {
        if (!value.isArray() || value.size() > MAX_ORIGINS) {
            errors.add(new FieldError(field, "invalid_type",
                    field.substring(field.lastIndexOf('.') + 1) + " must be an array of at most " + MAX_ORIGINS
                            + " origins."));
            return java.util.Optional.empty();
        }
        List<String> origins = new ArrayList<>();
        for (JsonNode item : value) {
            String origin = item.isTextual() ? Origins.normalise(item.textValue()) : null;
            if (origin == null) {
                errors.add(new FieldError(field, "invalid",
                        "Each origin must look like https://shop.example.com (scheme, host, optional port; no path)."));
                return java.util.Optional.empty();
            }
            if (!Origins.secureEnough(origin) && !stored.contains(origin)) {
                errors.add(new FieldError(field, "insecure", "Origins must use https (plain http only for localhost): "
                        + "links to them carry tokens."));
                return java.util.Optional.empty();
            }
            if (!origins.contains(origin)) {
                origins.add(origin); // one origin spelt twice is kept once, in the place of its first spelling
            }
        }
        return java.util.Optional.of(origins);
    }
}
