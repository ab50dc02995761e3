package dev.latchkey.customer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.ApiError;
import io.javalin.http.Context;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts {@code ?expand=} may add to a Customer, by name: the shopper's {@code GET /v1/me} and the merchant's
 * {@code GET /v1/admin/customers/{id}} offer the same ones, read the parameter alike and answer the same shape.
 */
public final class CustomerExpansions {
    private final Map<String, CustomerExpansion> parts;
    private final ObjectMapper mapper;

    public CustomerExpansions(Map<String, CustomerExpansion> parts, ObjectMapper mapper) {
        this.parts = Map.copyOf(parts);
        this.mapper = mapper;
    }

    /**
     * The names of {@code ?expand=a,b} or {@code ?expand=a&expand=b}; an unknown name is refused rather than ignored.
     * Read before the customer is looked up, so that a bad parameter costs no query.
     */
    public Set<String> requested(Context ctx) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : ctx.queryParams("expand")) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        for (String name : names) {
            if (!parts.containsKey(name)) {
                throw ApiError.validation("expand", "invalid",
                        "expand may name " + String.join(", ", new TreeSet<>(parts.keySet())) + ".");
            }
        }
        return names;
    }

    /** The customer's view with the named parts added. */
    public Object view(Customer customer, Set<String> names) {
        return withParts(CustomerView.of(customer, mapper), customer, names);
    }

    /** The merchant's view of the customer (with tags, note and order summary) with the named parts added. */
    public Object view(AdminCustomer customer, OrderSummary orders, Set<String> names) {
        return withParts(AdminCustomerView.of(customer, orders, mapper), customer.customer(), names);
    }

    private Object withParts(Object view, Customer customer, Set<String> names) {
        if (names.isEmpty()) {
            return view;
        }
        ObjectNode body = mapper.valueToTree(view);
        for (String name : names) {
            body.set(name, mapper.valueToTree(parts.get(name).expand(customer)));
        }
        return body;
    }
}
