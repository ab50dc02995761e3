package dev.latchkey.verification;

/** What an emailed token may do; a token of one purpose is refused (invalid_token) by every other. */
public enum TokenPurpose {
    VERIFY_EMAIL, PASSWORD_RESET, EMAIL_CHANGE, DELETION;

    public String wire() {
        return name().toLowerCase();
    }
}
