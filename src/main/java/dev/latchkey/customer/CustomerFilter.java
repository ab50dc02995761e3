package dev.latchkey.customer;

/**
 * What the merchant's customer list keeps: a search term ({@code query}, matched case-insensitively against the start
 * of the email, of "first last" and of the last name) and a status; either may be null.
 */
public record CustomerFilter(String query, Customer.Status status) {
}
