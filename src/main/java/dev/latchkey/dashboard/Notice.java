package dev.latchkey.dashboard;

import dev.latchkey.admin.BulkChangeInput;
import dev.latchkey.http.Text;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The confirmations (and a refusal or two) shown after a form's redirect, named in {@code ?notice=}. Only these fixed
 * texts are ever shown, so the parameter cannot put words on the page.
 */
enum Notice {
    LOGGED_OUT("logged_out", "You have logged out."),
    EXPIRED("expired", "Your session has ended. Please log in again."),
    UNLOCKED("unlocked", "Failed logins were reset. The customer can log in again."),
    MFA_RESET("mfa_reset", "Two-step sign-in was turned off. The customer logs in with the password alone and may "
            + "set it up again."),
    PASSKEY_REMOVED("passkey_removed", "The passkey was removed. It no longer logs the customer in."),
    SESSION_REVOKED("session_revoked", "The session was ended."),
    SESSIONS_REVOKED("sessions_revoked", "All sessions of this customer were ended."),
    STATUS_CHANGED("status_changed", "The status was changed."),
    TAGS_NOTE_SAVED("tags_note_saved", "The tags and note were saved."),
    CUSTOMERS_CHANGED("customers_changed", "The ticked customers were changed; those already as asked were left as "
            + "they were."),
    CUSTOMER_ADDED("customer_added", "The customer was added."),
    PROFILE_SAVED("profile_saved", "The profile was saved."),
    ADDRESS_SAVED("address_saved", "The address was saved. The customer sees it in their address book."),
    ADDRESS_DELETED("address_deleted", "The address was deleted."),
    ADDRESS_MADE_DEFAULT("address_made_default", "The address is the customer's default now."),
    VERSION_CONFLICT("version_conflict", "Nothing was saved: the customer was changed meanwhile. This is how they are "
            + "now; make the change again if it is still needed.", true),
    VERIFICATION_SENT("verification_sent", "A new verification email is on its way to the customer."),
    PASSWORD_RESET_SENT("password_reset_sent", "A password-reset email is on its way to the customer, unless one went "
            + "to the address within the shop's email interval."),
    CUSTOMER_DELETED("customer_deleted", "The customer was deleted."),
    SETTINGS_SAVED("settings_saved", "The settings were saved."),
    KEY_REVOKED("key_revoked", "The API key was revoked."),
    WEBHOOK_DISABLED("webhook_disabled", "The webhook was disabled. Events waiting for it will not be delivered."),
    WEBHOOK_ENABLED("webhook_enabled", "The webhook was enabled. It receives the events from now on."),
    WEBHOOK_DELETED("webhook_deleted", "The webhook was deleted."),
    WEBHOOK_UPDATED("webhook_updated", "The webhook was changed. It receives the events it subscribes to now."),
    STAFF_ADDED("staff_added", "The staff member was added. They can log in now."),
    STAFF_REMOVED("staff_removed", "The staff member was removed and logged out everywhere."),
    STAFF_ROLE_CHANGED("staff_role_changed", "The role was changed. It applies from the member's next click."),
    STAFF_PASSWORD_SET("staff_password_set",
            "The new password was set. The staff member was logged out everywhere and can log in with it now."),
    PASSWORD_CHANGED("password_changed", "Your password was changed. Your other sessions were ended."),
    OWN_MFA_DISABLED("own_mfa_disabled", "Two-step sign-in was turned off. You log in with your password alone."),
    STAFF_MFA_RESET("staff_mfa_reset", "Two-step sign-in was turned off for the staff member. They log in with their "
            + "password alone until they set it up again, or, while the shop requires it, are led to its set-up."),
    IDENTITY_PROVIDER_ADDED("identity_provider_added", "The sign-in provider was added."),
    IDENTITY_PROVIDER_UPDATED("identity_provider_updated", "The sign-in provider was changed."),
    IDENTITY_PROVIDER_ENABLED("identity_provider_enabled", "The sign-in provider was enabled. The storefront can "
            + "log shoppers in with it."),
    IDENTITY_PROVIDER_DISABLED("identity_provider_disabled", "The sign-in provider was disabled. Nobody logs in with "
            + "it until it is enabled again; the customers' links to it stay."),
    IDENTITY_PROVIDER_DELETED("identity_provider_deleted", "The sign-in provider was deleted, with its links to "
            + "customers."),
    IDENTITY_UNLINKED("identity_unlinked", "The sign-in account was unlinked. It no longer logs the customer in."),
    MAIL_TEMPLATE_SAVED("mail_template_saved", "The template was saved. Mail sent from now on uses it."),
    MAIL_TEMPLATE_RESTORED("mail_template_restored", "The default text was restored. Mail sent from now on uses it."),
    IMPORT_QUEUED("import_queued", "The file was checked and the import queued. This page follows its progress."),
    IMPORT_CANCELLED("import_cancelled", "The import was cancelled. The customers its rows created or changed so far "
            + "stay."),
    IMPORT_FINISHED("import_finished", "Nothing was cancelled: the import had ended already.", true),
    LAST_SIGN_IN_METHOD("last_sign_in_method", "Nothing was unlinked: it is the customer's only way to log in. Send "
            + "them a password-reset email first, or let them link another account.", true);

    private final String wire;
    private final String text;
    private final boolean refusal;

    Notice(String wire, String text) {
        this(wire, text, false);
    }

    /** {@code refusal}: the form did nothing, and the notice says why. */
    Notice(String wire, String text, boolean refusal) {
        this.wire = wire;
        this.text = text;
        this.refusal = refusal;
    }

    boolean refusal() {
        return refusal;
    }

    String wire() {
        return wire;
    }

    /**
     * The text, for a bulk change with its counts from the query ({@code changed} of {@code selected}) when both are
     * plain numbers that can be such counts; else the text without them.
     */
    String text(Function<String, String> query) {
        if (this != CUSTOMERS_CHANGED) {
            return text;
        }
        OptionalLong changed = Text.wholeNumber(query.apply("changed"));
        OptionalLong selected = Text.wholeNumber(query.apply("selected"));
        if (changed.isEmpty() || selected.isEmpty() || changed.getAsLong() < 0
                || changed.getAsLong() > selected.getAsLong() || selected.getAsLong() > BulkChangeInput.MAX_IDS) {
            return text;
        }
        return changed.getAsLong() + " of " + selected.getAsLong() + " ticked customers "
                + (changed.getAsLong() == 1 ? "was" : "were") + " changed; the others were as asked already.";
    }

    static Optional<Notice> fromWire(String value) {
        return Arrays.stream(values()).filter(n -> n.wire.equals(value)).findFirst();
    }
}
