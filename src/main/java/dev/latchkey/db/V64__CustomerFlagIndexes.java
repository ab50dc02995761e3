package dev.latchkey.db;

import java.util.List;

/**
 * The indexes that the customer list's flag and consent filters ({@code email_verified}, {@code accepts_marketing},
 * {@code marketing_state}) read a page along, as {@code status} reads its own: the value, then the creation time,
 * newest first. Without them a page walked the shop's customers newest first and checked each, so that a value few
 * customers have read far past the page, and one that none has read the whole shop for an empty page (200,000
 * customers for each page on PostgreSQL; a million would be a million). {@code accepts_marketing} is true exactly
 * while the state is {@code subscribed}, but its false spans three states, which one index of the state cannot give
 * newest first: it has its own. Descending on H2, as V34 builds the other list indexes there.
 */
final class V64__CustomerFlagIndexes extends PerEngine {
    private static final List<String> FLAGS = List.of("email_verified", "accepts_marketing", "marketing_state");

    @Override
    List<String> statements(boolean postgres) {
        String order = postgres ? "" : " DESC";
        return FLAGS.stream().map(flag -> "CREATE INDEX customers_" + flag + "_created ON customers (tenant_id" + order
                + ", " + flag + order + ", created_at" + order + ", id" + order + ")").toList();
    }
}
