package dev.latchkey.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.CurrencyCodes;
import dev.latchkey.http.JsonInput;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the writable Customer fields from a request: present fields change (null or "" clears), absent fields stay.
 * Bounds match the column sizes so that nothing is ever cut or refused by the database.
 */
public final class ProfileInput {
    public static final Set<String> FIELDS = Set.of("first_name", "last_name", "title", "phone", "company",
            "preferred_language", "preferred_currency", "preferred_site", "accepts_marketing", "attributes");
    public static final int MAX_ATTRIBUTES_BYTES = 16 * 1024;
    /** Deep enough for any merchant's fields, far below what a JSON writer refuses. */
    static final int MAX_ATTRIBUTES_DEPTH = 32;

    /** At least three digits (no number is shorter), with the separators people write between them. */
    private static final Pattern PHONE = Pattern.compile("^\\+?(?=(?:[^0-9]*[0-9]){3})[0-9 ()./-]{3,32}$");
    private static final Pattern LANGUAGE = Pattern.compile("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$");
    private static final int MAX_LANGUAGE = 35;
    private static final Pattern CURRENCY = Pattern.compile("^[A-Za-z]{3}$");

    private final Map<String, Object> changes;
    /** Reads the stored attributes to compare them with new ones; null when the attributes do not change. */
    private final ObjectMapper mapper;

    /** No profile field changes. */
    public static final ProfileInput UNCHANGED = new ProfileInput(Map.of(), null);

    private ProfileInput(Map<String, Object> changes, ObjectMapper mapper) {
        this.changes = changes;
        this.mapper = mapper;
    }

    /** A phone number, of a profile or an address. */
    public static void phone(JsonInput in, Map<String, Object> changes) {
        in.textChange("phone", 32, changes).ifPresent(phone -> {
            if (!PHONE.matcher(phone).matches()) {
                in.reject("phone", "invalid", "phone must hold at least three digits, and only digits, spaces and "
                        + "+ ( ) . / -.");
            }
        });
    }

    /** An optional language tag such as en or de-AT; anything else is refused as 422 {@code invalid}. */
    public static Optional<String> language(JsonInput in, String field) {
        return in.line(field, MAX_LANGUAGE).filter(language -> isLanguage(in, field, language));
    }

    private static boolean isLanguage(JsonInput in, String field, String language) {
        if (LANGUAGE.matcher(language).matches()) {
            return true;
        }
        in.reject(field, "invalid", field + " must be a language tag such as en or de-AT.");
        return false;
    }

    public static ProfileInput read(JsonInput in, ObjectMapper mapper) {
        Map<String, Object> changes = new HashMap<>();
        in.textChange("first_name", 100, changes);
        in.textChange("last_name", 100, changes);
        in.textChange("title", 50, changes);
        in.textChange("company", 200, changes);
        in.textChange("preferred_site", 64, changes);
        phone(in, changes);
        in.textChange("preferred_language", MAX_LANGUAGE, changes)
                .ifPresent(language -> isLanguage(in, "preferred_language", language));
        in.textChange("preferred_currency", 3, changes).ifPresent(currency -> {
            if (!CURRENCY.matcher(currency).matches() || !CurrencyCodes.isCurrency(currency.toUpperCase(Locale.ROOT))) {
                in.reject("preferred_currency", "invalid", "preferred_currency must be an ISO 4217 code such as EUR.");
            } else {
                changes.put("preferred_currency", currency.toUpperCase(Locale.ROOT));
            }
        });
        // null reads as absent, as for every optional field: a consent is never cleared, only given or withdrawn
        in.bool("accepts_marketing").ifPresent(v -> changes.put("accepts_marketing", v));
        if (in.has("attributes")) {
            Optional<ObjectNode> attributes = in.object("attributes");
            String json = attributes.map(node -> write(mapper, node)).orElse("{}");
            if (json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ATTRIBUTES_BYTES) {
                in.reject("attributes", "too_long", "attributes may hold at most " + MAX_ATTRIBUTES_BYTES + " bytes of JSON.");
            } else if (attributes.isPresent() && depth(attributes.get()) > MAX_ATTRIBUTES_DEPTH) {
                in.reject("attributes", "too_deep", "attributes may nest objects and arrays at most "
                        + MAX_ATTRIBUTES_DEPTH + " levels deep.");
            } else if (!in.hasErrorFor("attributes")) {
                changes.put("attributes", json);
            }
        }
        return new ProfileInput(changes, mapper);
    }

    /** A change of the attributes alone, to {@code json} (a JSON object whose bounds the caller checked). */
    public static ProfileInput attributes(String json, ObjectMapper mapper) {
        return new ProfileInput(Map.of("attributes", json), mapper);
    }

    /** Levels of objects and arrays, the outermost counted; a list of customers is written with every one inside. */
    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                deepest = Math.max(deepest, depth(child));
            }
        }
        return deepest + 1;
    }

    private static String write(ObjectMapper mapper, ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree is writable", e);
        }
    }

    /** The new value of a text field, or null when it is absent or cleared. */
    public String text(String field) {
        return get(field, null);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Whether the request ticks the marketing box (which, with a double opt-in, asks for the confirmation mail). */
    public boolean ticksMarketing() {
        return Boolean.TRUE.equals(changes.get("accepts_marketing"));
    }

    /** The profile with these changes; a marketing choice leads where {@code source} lets it (see MarketingConsent). */
    public Customer.Profile applyTo(Customer.Profile p, Instant now, MarketingConsent.Source source) {
        return applyTo(p, now, source, false);
    }

    /**
     * A new customer's profile. A marketing choice made at sign-up is recorded with its time either way: a decline is
     * as much a choice to keep a record of as a consent.
     */
    public Customer.Profile newProfile(Instant now, MarketingConsent.Source source) {
        return applyTo(Customer.Profile.EMPTY, now, source, true);
    }

    private Customer.Profile applyTo(Customer.Profile p, Instant now, MarketingConsent.Source source,
                                     boolean recordAnyChoice) {
        Customer.Profile profile = new Customer.Profile(
                get("first_name", p.firstName()), get("last_name", p.lastName()), get("title", p.title()),
                get("phone", p.phone()), get("company", p.company()),
                get("preferred_language", p.preferredLanguage()), get("preferred_currency", p.preferredCurrency()),
                get("preferred_site", p.preferredSite()), p.marketing(), p.acceptsMarketingUpdatedAt(),
                attributes(p.attributes()));
        if (!changes.containsKey("accepts_marketing")) {
            return profile;
        }
        MarketingConsent consent = p.marketing().chosen((boolean) changes.get("accepts_marketing"), source, now);
        return profile.withMarketing(recordAnyChoice ? consent.recordedAt(now) : consent, now, recordAnyChoice);
    }

    /**
     * The new attributes, or {@code current} when they are the same JSON: members in another order are no change,
     * and a change that changes nothing is not written.
     */
    private String attributes(String current) {
        String next = get("attributes", current);
        try {
            return next.equals(current) || mapper.readTree(next).equals(mapper.readTree(current)) ? current : next;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored attributes are JSON", e);
        }
    }

    private String get(String field, String fallback) {
        return changes.containsKey(field) ? (String) changes.get(field) : fallback;
    }

}
