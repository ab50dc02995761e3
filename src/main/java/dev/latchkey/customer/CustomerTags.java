package dev.latchkey.customer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a customer's tags, Shopify's: each trimmed and 1 to 255 characters, at most 250 to a customer, unique
 * whatever their case (the first spelling is kept). A tag holds no comma, since Shopify's CSV writes a customer's tags
 * comma-separated in one cell, nor a line break. A customer's tags are answered in alphabetical order, case aside.
 */
public final class CustomerTags {
    public static final int MAX_TAGS = 250;
    public static final int MAX_LENGTH = 255;
    private static final String TOO_LONG = "be at most " + MAX_LENGTH + " characters long";
    /** Orders tags by their key, then by their spelling: the same order on every database. */
    static final Comparator<String> ORDER = Comparator.comparing(CustomerTags::key).thenComparing(t -> t);

    private CustomerTags() {
    }

    /** The key a tag is unique by and filtered on: the tag in lower case. */
    public static String key(String tag) {
        return tag.toLowerCase(Locale.ROOT);
    }

    /** The tags sorted, each key kept once with the spelling met first. */
    static List<String> normalised(Collection<String> tags) {
        Map<String, String> byKey = new LinkedHashMap<>();
        tags.forEach(tag -> byKey.putIfAbsent(key(tag), tag));
        List<String> sorted = new ArrayList<>(byKey.values());
        sorted.sort(ORDER);
        return List.copyOf(sorted);
    }

    /**
     * The tags of an array field, trimmed and each kept once (not yet counted against {@link #MAX_TAGS}: an addition
     * is counted with the tags the customer has); empty when the field is absent or refused. A null field, an item
     * that is no string, and an empty, over-long or multi-line tag, or one with a comma, are refused naming the field.
     */
    public static Optional<List<String>> read(JsonInput in, String field) {
        if (!in.has(field)) {
            return Optional.empty();
        }
        JsonNode node = in.raw().get(field);
        if (!node.isArray()) {
            in.reject(field, "invalid_type", field + " must be an array of strings ([] for none).");
            return Optional.empty();
        }
        List<String> tags = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                in.reject(field, "invalid_type", field + " must hold strings only.");
                return Optional.empty();
            }
            Optional<String> refusal = problem(item.textValue());
            if (refusal.isPresent()) {
                in.reject(field, refusal.get().startsWith("be at most") ? "too_long" : "invalid",
                        field + ": each tag must " + refusal.get() + ".");
                return Optional.empty();
            }
            tags.add(Text.trimmedLine(item.textValue()));
        }
        return Optional.of(normalised(tags));
    }

    /** Refuses more than {@link #MAX_TAGS} tags, naming the field that brought them. */
    public static Optional<String> tooMany(List<String> tags) {
        return tags.size() <= MAX_TAGS ? Optional.empty()
                : Optional.of("A customer may have at most " + MAX_TAGS + " tags (" + tags.size() + " given).");
    }

    /** Why a tag as given is refused ("be at most 255 characters long", ...), or empty when it is fine. */
    private static Optional<String> problem(String raw) {
        if (Text.length(raw) > 4 * MAX_LENGTH + 64) {
            return Optional.of(TOO_LONG);
        }
        String tag = Text.trimmedLine(raw);
        if (tag.isEmpty()) {
            return Optional.of("hold more than spaces");
        }
        if (Text.length(tag) > MAX_LENGTH) {
            return Optional.of(TOO_LONG);
        }
        if (Text.hasControlCharacter(tag) || Text.breaksLine(tag)) {
            return Optional.of("be one line, without control characters, tabs or line breaks");
        }
        if (Text.overridesDirection(tag)) {
            return Optional.of("hold no bidi embeddings, overrides or isolates");
        }
        if (tag.indexOf(',') >= 0) {
            return Optional.of("hold no comma (a CSV cell holds a customer's tags separated by commas)");
        }
        return Optional.empty();
    }

    /**
     * The tags after {@code remove} (matched whatever their case) and then {@code add}: a tag the customer has keeps
     * its spelling.
     */
    public static List<String> changed(List<String> current, List<String> add, List<String> remove) {
        Set<String> removed = new HashSet<>(remove.stream().map(CustomerTags::key).toList());
        List<String> next = new ArrayList<>(current.stream().filter(tag -> !removed.contains(key(tag))).toList());
        next.addAll(add);
        return normalised(next);
    }
}
