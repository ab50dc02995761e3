package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;

import java.util.Arrays;
import java.util.Optional;

/**
 * The owner's pages that could hand the shop to someone else (a new owner, a member's password, a secret key, a
 * webhook sending the shop's events elsewhere), and a member's own second factor: they act only in a session confirmed
 * with the member's password lately. The confirmation form names where it leads by {@link #wire()}, never by a URL, so it can lead nowhere else.
 */
enum GuardedPage {
    STAFF("staff", "Staff", Permission.MANAGE_STAFF),
    API_KEYS("api-keys", "API keys", Permission.MANAGE_API_KEYS),
    /** A webhook is sent every event it subscribes to, wherever it points. */
    WEBHOOKS("webhooks", "Webhooks", Permission.MANAGE_WEBHOOKS),
    /** Every member's own: whoever sits at their screen must not set up their second factor nor turn it off. */
    SECURITY("security", "Two-step sign-in", null);

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

    /** 403 when the session's role may not use the page; a member's own pages need no permission. */
    void permit(DashboardSession session) {
        if (permission != null) {
            Dashboard.permit(session, permission);
        }
    }

    String path() {
        return "/dashboard/" + wire;
    }

    static Optional<GuardedPage> fromWire(String value) {
        return Arrays.stream(values()).filter(page -> page.wire.equals(value)).findFirst();
    }
}
