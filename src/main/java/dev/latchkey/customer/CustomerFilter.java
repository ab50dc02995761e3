package dev.latchkey.customer;

import java.util.List;

/**
 * What the merchant's customer list keeps: a search term ({@code query}, matched case-insensitively against the start
 * of the email, of "first last" and of the last name), a status, and tags the customer must all have ({@code tags},
 * matched whatever their case); the first two may be null, the tags empty.
 */
public record CustomerFilter(String query, Customer.Status status, List<String> tags) {
    public CustomerFilter {
        tags = tags.stream().map(CustomerTags::key).distinct().toList();
    }

    public CustomerFilter(String query, Customer.Status status) {
        this(query, status, List.of());
    }
}
