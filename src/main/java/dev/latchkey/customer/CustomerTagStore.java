package dev.latchkey.customer;

import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQL for the merchant's tags on customers. Every statement names the tenant. */
public final class CustomerTagStore {
    /** The customer's tags, sorted (see {@link CustomerTags#ORDER}). */
    List<String> of(Handle h, String tenantId, String customerId) {
        List<String> tags = new ArrayList<>(h.createQuery("SELECT tag FROM customer_tags "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId)
                .mapTo(String.class).list());
        tags.sort(CustomerTags.ORDER);
        return tags;
    }

    /** The tags of each of these customers (a page of a list), sorted; a customer without tags is left out. */
    Map<String, List<String>> of(Handle h, String tenantId, Collection<String> customerIds) {
        Map<String, List<String>> tags = new HashMap<>();
        if (customerIds.isEmpty()) {
            return tags;
        }
        h.createQuery("SELECT customer_id, tag FROM customer_tags WHERE tenant_id = :tenant "
                        + "AND customer_id IN (<customers>)")
                .bind("tenant", tenantId).bindList("customers", List.copyOf(customerIds))
                .map((rs, ctx) -> Map.entry(rs.getString("customer_id"), rs.getString("tag")))
                .forEach(row -> tags.computeIfAbsent(row.getKey(), id -> new ArrayList<>()).add(row.getValue()));
        tags.values().forEach(list -> list.sort(CustomerTags.ORDER));
        return tags;
    }

    /** Makes {@code next} the customer's tags, touching only those that change, given those it has. */
    void replace(Handle h, String tenantId, String customerId, List<String> current, List<String> next) {
        List<String> gone = new ArrayList<>(current);
        gone.removeAll(next);
        List<String> added = new ArrayList<>(next);
        added.removeAll(current);
        if (!gone.isEmpty()) {
            h.createUpdate("DELETE FROM customer_tags WHERE tenant_id = :tenant AND customer_id = :customer "
                            + "AND tag_key IN (<keys>)")
                    .bind("tenant", tenantId).bind("customer", customerId)
                    .bindList("keys", gone.stream().map(CustomerTags::key).toList())
                    .execute();
        }
        insert(h, tenantId, added.stream().map(tag -> new Tagging(customerId, tag)).toList());
    }

    /** A tag on a customer, to insert. */
    record Tagging(String customerId, String tag) {
    }

    /** Inserts these tags in one batch; none of them may be on its customer yet. */
    void insert(Handle h, String tenantId, List<Tagging> taggings) {
        if (taggings.isEmpty()) {
            return;
        }
        var batch = h.prepareBatch("INSERT INTO customer_tags (tenant_id, customer_id, tag, tag_key) "
                + "VALUES (:tenant, :customer, :tag, :key)");
        for (Tagging tagging : taggings) {
            batch.bind("tenant", tenantId).bind("customer", tagging.customerId()).bind("tag", tagging.tag())
                    .bind("key", CustomerTags.key(tagging.tag())).add();
        }
        batch.execute();
    }

    /** Takes the tags of these keys off each of these customers, in one statement. */
    void removeFromAll(Handle h, String tenantId, Collection<String> customerIds, Collection<String> keys) {
        if (customerIds.isEmpty() || keys.isEmpty()) {
            return;
        }
        h.createUpdate("DELETE FROM customer_tags WHERE tenant_id = :tenant AND customer_id IN (<customers>) "
                        + "AND tag_key IN (<keys>)")
                .bind("tenant", tenantId).bindList("customers", List.copyOf(customerIds))
                .bindList("keys", List.copyOf(keys))
                .execute();
    }

    void deleteAll(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM customer_tags WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }
}
