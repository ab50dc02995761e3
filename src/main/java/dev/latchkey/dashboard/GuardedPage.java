package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The owner's pages that could hand the shop or its shoppers' accounts to someone else (a new owner, a member's
 * password, a secret key, a webhook sending the shop's events elsewhere, settings or an email's text sending shoppers'
 * reset and verification links to another site), and a member's own second factor: they act only in a session
 * confirmed with the member's password lately. The confirmation form names where it leads by {@link #wire()} (and, for
 * a place on the page, by what {@link #path(String)} accepts), never by a URL, so it can lead nowhere else.
 */
enum GuardedPage {
    STAFF("staff", "Staff", Permission.MANAGE_STAFF),
    API_KEYS("api-keys", "API keys", Permission.MANAGE_API_KEYS),
    /** A webhook is sent every event it subscribes to, wherever it points. */
    WEBHOOKS("webhooks", "Webhooks", Permission.MANAGE_WEBHOOKS),
    /**
     * {@code allowed_origins} decide where emailed links may point; the passkey domain and origins, staff's second
     * factor, the lockout and the password policy keep the shop's accounts safe.
     */
    SETTINGS("settings", "Settings", Permission.MANAGE_SETTINGS),
    /**
     * An email's text may put a shopper's single-use token into a link to any site. The places on it: each email's
     * form, {@code template/language}, where a confirmation asked for there leads back to.
     */
    MAIL_TEMPLATES("mail-templates", "Editing an email", Permission.MANAGE_TEMPLATES, MailTemplatePages::editor),
    /** Every member's own: whoever sits at their screen must not set up their second factor nor turn it off. */
    SECURITY("security", "Two-step sign-in", null);

    private final String wire;
    private final String title;
    private final Permission permission;
    private final Function<String, Optional<String>> places;

    GuardedPage(String wire, String title, Permission permission) {
        this(wire, title, permission, at -> Optional.empty());
    }

    GuardedPage(String wire, String title, Permission permission, Function<String, Optional<String>> places) {
        this.wire = wire;
        this.title = title;
        this.permission = permission;
        this.places = places;
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

    /** The page itself for an empty {@code at}, else the place on it that {@code at} names; empty for none. */
    Optional<String> path(String at) {
        return at.isEmpty() ? Optional.of(path()) : places.apply(at);
    }

    static Optional<GuardedPage> fromWire(String value) {
        return Arrays.stream(values()).filter(page -> page.wire.equals(value)).findFirst();
    }
}
