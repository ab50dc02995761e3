package dev.latchkey.verification;

/**
 * What an emailed token may do; a token of one purpose is refused (invalid_token) by every other. A deletion
 * confirmation is not one of them: it has a table of its own (deletion_tokens), kept with the deletion request. A login
 * code is entered with its address, never looked up by itself: see {@link LoginCodes}.
 */
public enum TokenPurpose {
    VERIFY_EMAIL, PASSWORD_RESET, EMAIL_CHANGE, LOGIN_CODE, MARKETING_CONFIRMATION;

    public String wire() {
        return name().toLowerCase();
    }
}
