package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;

import java.util.Arrays;
import java.util.Optional;

/**
 * The owner's pages that could hand the shop to someone else (a new owner, a member's password, a secret key, a
 * webhook sending the shop's events elsewhere): they act only in a session confirmed with the member's password
 * lately. The confirmation form names where it leads by {@link #wire()}, never by a URL, so it can lead nowhere else.
 */
enum GuardedPage {
    STAFF("staff", "Staff", Permission.MANAGE_STAFF),
    API_KEYS("api-keys", "API keys", Permission.MANAGE_API_KEYS),
    /** A webhook is sent every event it subscribes to, wherever it points. */
    WEBHOOKS("webhooks", "Webhooks", Permission.MANAGE_WEBHOOKS);

    private final String wire;
    private final String title;
    private final Permission permission;

    GuardedPage(String wire, String title, Permission permission) {
        this.wire = wire;
        this.title = title;
        this.permission = permission;
    }

    /** Also the page's section in the navigation. */
    String wire() {
        return wire;
    }

    String title() {
        return title;
    }

    Permission permission() {
        return permission;
    }

    String path() {
        return "/dashboard/" + wire;
    }

    static Optional<GuardedPage> fromWire(String value) {
        return Arrays.stream(values()).filter(page -> page.wire.equals(value)).findFirst();
    }
}
