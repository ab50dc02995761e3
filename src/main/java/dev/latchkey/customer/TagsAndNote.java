package dev.latchkey.customer;

import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;

import java.util.List;

/**
 * What a request changes of the merchant's own data about a customer: {@code tags}, the whole new set (null: left as
 * they are), and the {@code note} when {@code noteGiven} (null clears it). Neither is shown to the shopper's
 * storefront.
 */
public record TagsAndNote(List<String> tags, boolean noteGiven, String note) {
    public static final int MAX_NOTE = 5000;
    public static final TagsAndNote UNCHANGED = new TagsAndNote(null, false, null);

    /**
     * Reads {@code tags} (see {@link CustomerTags}) and {@code note} (trimmed, at most 5,000 characters, several lines
     * allowed; null or blank clears it) from a body; what is wrong is collected in {@code in}.
     */
    public static TagsAndNote read(JsonInput in) {
        List<String> tags = CustomerTags.read(in, "tags").orElse(null);
        if (tags != null) {
            CustomerTags.tooMany(tags).ifPresent(message -> in.reject("tags", "too_long", message));
        }
        boolean noteGiven = in.has("note");
        String note = noteGiven ? in.string("note", MAX_NOTE).map(Text::trim).orElse(null) : null;
        return new TagsAndNote(tags, noteGiven, note);
    }

    /** Only tags: {@code tags} replace the customer's. */
    public static TagsAndNote tags(List<String> tags) {
        return new TagsAndNote(CustomerTags.normalised(tags), false, null);
    }

    /** The tags to keep, given the customer's. */
    List<String> tagsAfter(List<String> current) {
        return tags == null ? current : tags;
    }

    String noteAfter(String current) {
        return noteGiven ? note : current;
    }
}
