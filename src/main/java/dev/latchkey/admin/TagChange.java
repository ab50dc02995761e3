package dev.latchkey.admin;

import dev.latchkey.customer.CustomerTags;
import dev.latchkey.http.JsonInput;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tags to add to a customer and tags to take off, read from two array fields of a body (each as
 * {@link CustomerTags#read} reads tags; either may be absent, read as empty): a tag may not be in both (422 naming the
 * remove field), nor may more than 250 be added (422 {@code too_long} naming the add field).
 */
record TagChange(List<String> add, List<String> remove) {
    static TagChange read(JsonInput in, String addField, String removeField) {
        List<String> add = CustomerTags.read(in, addField).orElse(List.of());
        List<String> remove = CustomerTags.read(in, removeField).orElse(List.of());
        Set<String> removed = remove.stream().map(CustomerTags::key).collect(Collectors.toSet());
        add.stream().filter(tag -> removed.contains(CustomerTags.key(tag))).findFirst().ifPresent(tag ->
                in.reject(removeField, "invalid", "A tag cannot be both added and removed (" + tag + ")."));
        if (!in.hasErrorFor(addField)) {
            CustomerTags.tooMany(add).ifPresent(message -> in.reject(addField, "too_long", message));
        }
        return new TagChange(add, remove);
    }
}
