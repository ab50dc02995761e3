package dev.latchkey.credential;

import dev.latchkey.http.FieldError;

import java.util.ArrayList;
import java.util.List;

/**
 * What a new password must satisfy (NIST SP 800-63B 3.1.1.2): a minimum length set by the tenant (8..64), at least
 * {@value #MAX_LENGTH} characters accepted, no composition rules. Length counts code points after NFKC.
 */
public final class PasswordPolicy {
    public static final int MAX_LENGTH = 1024;

    public List<FieldError> check(String field, String password, int minLength) {
        List<FieldError> errors = new ArrayList<>();
        String normalised = PasswordHasher.normalise(password);
        int length = normalised.codePointCount(0, normalised.length());
        if (length < minLength) {
            errors.add(new FieldError(field, "too_short", "The password must have at least " + minLength + " characters."));
        } else if (length > MAX_LENGTH) {
            errors.add(new FieldError(field, "too_long", "The password may have at most " + MAX_LENGTH + " characters."));
        }
        return errors;
    }
}
