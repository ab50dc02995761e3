package dev.latchkey.http;

import java.util.Arrays;
import java.util.Optional;

/**
 * The paged lists, each in its one order. A cursor names the list it was written for, and every other list refuses it:
 * the same time and id are a different position in a list ordered otherwise (the customers' changes run oldest change
 * first, by {@code updated_at}; the customer list newest first, by {@code created_at}), and a cursor read there would
 * silently skip or repeat rows. Lists of one route that differ only in a filter, not in their order, share one name.
 */
public enum Listing {
    TENANTS("tenants", true),
    API_KEYS("api_keys", true),
    CUSTOMERS("customers", false),
    CUSTOMER_CHANGES("customer_changes", false),
    SESSIONS("sessions", true),
    AGENTS("agents", false),
    ADDRESSES("addresses", true),
    ORDERS("orders", true),
    AUDIT("audit", true),
    STAFF("staff", true),
    WEBHOOKS("webhooks", false),
    WEBHOOK_DELIVERIES("webhook_deliveries", false),
    CUSTOMER_IMPORTS("customer_imports", false);

    private final String tag;
    /**
     * Whether a cursor written before cursors named their list is read as one of this list: yes where the route had
     * one order, so a client paging through an upgrade goes on; not for the customers' route, whose unnamed cursors may
     * come from either of its orders (such a client starts its walk again).
     */
    private final boolean readsUnnamed;

    Listing(String tag, boolean readsUnnamed) {
        this.tag = tag;
        this.readsUnnamed = readsUnnamed;
    }

    String tag() {
        return tag;
    }

    boolean readsUnnamed() {
        return readsUnnamed;
    }

    static Optional<Listing> ofTag(String tag) {
        return Arrays.stream(values()).filter(listing -> listing.tag.equals(tag)).findFirst();
    }
}
