package dev.latchkey.auth;

import dev.latchkey.http.ClientInfo;

/**
 * The logged-in customer types their password again before an action that outlives the session (granting an agent a
 * token of its own): a stolen access token alone must not mint a credential that survives the session's logout.
 */
@FunctionalInterface
public interface PasswordConfirmation {
    /** Returns when {@code password} is the customer's; else 403 {@code invalid_credentials}, counted as a failure. */
    void confirm(AccessToken token, String password, String action, ClientInfo client);
}
