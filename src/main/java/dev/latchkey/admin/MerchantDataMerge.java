package dev.latchkey.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.customer.AdminChanges;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.CustomerTags;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.customer.TagsAndNote;
import dev.latchkey.http.Text;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What a merge gives the kept customer of the source's own fields: the union of the tags (a tag the kept customer has
 * keeps its spelling), the source's note appended to the kept one's (after a blank line), and the source's attributes
 * under the kept ones (the kept customer's value wins where both have a key). {@code tagsAdded},
 * {@code noteAppended} and {@code attributesAdded} count what came from the source; {@code overLimit} says which
 * bound the result would break, if any.
 */
record MerchantDataMerge(List<String> tags, int tagsAdded, String note, boolean noteAppended, String attributes,
                         int attributesAdded, Optional<String> overLimit) {

    static MerchantDataMerge of(AdminCustomer kept, AdminCustomer source, ObjectMapper mapper) {
        List<String> tags = CustomerTags.changed(kept.tags(), source.tags(), List.of());
        String keptNote = kept.customer().note();
        String sourceNote = source.customer().note();
        boolean appended = sourceNote != null && !sourceNote.equals(keptNote);
        String note = !appended ? keptNote : keptNote == null ? sourceNote : keptNote + "\n\n" + sourceNote;
        ObjectNode keptAttributes = object(mapper, kept.customer().profile().attributes());
        ObjectNode merged = object(mapper, source.customer().profile().attributes());
        int added = (int) merged.properties().stream().filter(p -> !keptAttributes.has(p.getKey())).count();
        merged.setAll(keptAttributes);
        String attributes = merged.toString(); // Jackson writes a tree's toString as JSON
        Optional<String> overLimit = (tags.size() > CustomerTags.MAX_TAGS
                ? Optional.of("Together the customers would have " + tags.size() + " tags; a customer has at most "
                + CustomerTags.MAX_TAGS + ".") : Optional.<String>empty())
                .or(() -> note != null && Text.length(note) > TagsAndNote.MAX_NOTE
                        ? Optional.of("The notes together would be " + Text.length(note) + " characters long; a note "
                        + "holds at most " + TagsAndNote.MAX_NOTE + ".") : Optional.empty())
                .or(() -> attributes.getBytes(StandardCharsets.UTF_8).length > ProfileInput.MAX_ATTRIBUTES_BYTES
                        ? Optional.of("The attributes together would be more than "
                        + ProfileInput.MAX_ATTRIBUTES_BYTES + " bytes of JSON.") : Optional.empty());
        return new MerchantDataMerge(tags, tags.size() - kept.tags().size(), note, appended, attributes, added,
                overLimit);
    }

    /** The kept customer's change; attributes, tags and a note that stay as they are write nothing. */
    AdminChanges changes(ObjectMapper mapper) {
        return new AdminChanges(null, null, null, ProfileInput.attributes(attributes, mapper),
                new TagsAndNote(tags, noteAppended, note));
    }

    private static ObjectNode object(ObjectMapper mapper, String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored attributes are a JSON object", e);
        }
    }
}
