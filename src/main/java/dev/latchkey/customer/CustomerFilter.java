package dev.latchkey.customer;

import java.util.List;

/**
 * What the merchant's customer list keeps: a search term ({@code query}, matched case-insensitively against the start
 * of the email, of "first last" and of the last name), a status, tags the customer must all have ({@code tags},
 * matched whatever their case), whether the customer accepts email marketing and has verified their email, and the
 * state of their email marketing consent; the term, the status, the two flags and the state may be null (any), the
 * tags empty.
 */
public record CustomerFilter(String query, Customer.Status status, List<String> tags, Boolean acceptsMarketing,
                             Boolean emailVerified, MarketingConsent.State marketingState) {
    public CustomerFilter {
        tags = tags.stream().map(CustomerTags::key).distinct().toList();
    }

    public CustomerFilter(String query, Customer.Status status, List<String> tags) {
        this(query, status, tags, null, null, null);
    }

    public CustomerFilter(String query, Customer.Status status) {
        this(query, status, List.of());
    }
}
