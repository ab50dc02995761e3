package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.customer.BulkChange;
import dev.latchkey.customer.Customer;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of {@code POST /v1/admin/customers/bulk}, for the admin API and the dashboard's action bar alike:
 * {@code ids} (1 to 250 customer ids, each named once) and at least one of {@code add_tags}, {@code remove_tags} and
 * {@code status}, each read by the rules of the single change. What is wrong is collected in the {@link JsonInput}.
 */
public final class BulkChangeInput {
    /** At most this many customers at once: Shopify's page of a bulk action, and a transaction that stays short. */
    public static final int MAX_IDS = 250;
    private static final int MAX_ID_LENGTH = 64;
    private static final Set<String> FIELDS = Set.of("ids", "add_tags", "remove_tags", "status");

    /** The customers named, in the order given, and what to do to them. */
    public record Request(List<String> ids, BulkChange change) {
    }

    private BulkChangeInput() {
    }

    /** The request the body makes; meaningful only when {@code in} holds no error afterwards. */
    public static Request read(JsonInput in) {
        in.rejectUnknown(FIELDS, "Only ids, add_tags, remove_tags and status are taken here.");
        List<String> ids = ids(in);
        TagChange tags = TagChange.read(in, "add_tags", "remove_tags");
        if (in.has("status") && in.raw().get("status").isNull()) {
            in.reject("status", "invalid_type", "status cannot be null.");
        }
        Customer.Status status = NewAccountInput.status(in);
        if (tags.add().isEmpty() && tags.remove().isEmpty() && status == null && !in.hasErrorFor("add_tags")
                && !in.hasErrorFor("remove_tags") && !in.hasErrorFor("status")) {
            in.reject("add_tags", "required", "Give at least one tag in add_tags or remove_tags, or a status.");
        }
        return new Request(ids, new BulkChange(tags.add(), tags.remove(), status));
    }

    /**
     * {@code ids}: customer ids as the paths take them, each named once. A duplicate is refused rather than folded,
     * as the API refuses a name given twice elsewhere: a client that sends one has lost track of its selection.
     */
    private static List<String> ids(JsonInput in) {
        JsonNode node = in.raw().get("ids");
        if (node == null) {
            in.reject("ids", "required", "ids is required: the customers to change.");
            return List.of();
        }
        if (!node.isArray()) {
            in.reject("ids", "invalid_type", "ids must be an array of customer ids.");
            return List.of();
        }
        if (node.isEmpty()) {
            in.reject("ids", "too_short", "ids must name at least one customer.");
            return List.of();
        }
        if (node.size() > MAX_IDS) {
            in.reject("ids", "too_long", "ids may name at most " + MAX_IDS + " customers (" + node.size()
                    + " given).");
            return List.of();
        }
        List<String> ids = new ArrayList<>(node.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                in.reject("ids", "invalid_type", "ids must hold strings only.");
                return List.of();
            }
            String id = item.textValue();
            if (!Identifiers.safe(id, MAX_ID_LENGTH)) {
                in.reject("ids", "invalid", "ids must hold customer ids (cus_...).");
                return List.of();
            }
            if (!seen.add(id)) {
                in.reject("ids", "duplicate", "ids names " + id + " more than once.");
                return List.of();
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }
}
