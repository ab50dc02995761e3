package dev.latchkey.verification;

/**
 * What an emailed token may do; a token of one purpose is refused (invalid_token) by every other. A deletion
 * confirmation is not one of them: it has a table of its own (deletion_tokens), kept with the deletion request.
 */
public enum TokenPurpose {
    VERIFY_EMAIL, PASSWORD_RESET, EMAIL_CHANGE;

    public String wire() {
        return name().toLowerCase();
    }
}
