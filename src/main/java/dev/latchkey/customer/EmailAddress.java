package dev.latchkey.customer;

import dev.latchkey.http.JsonInput;

import java.util.regex.Pattern;

/** Reading an email address from a request: required, at most 254 characters, one @ and a dotted domain. */
public final class EmailAddress {
    public static final int MAX_LENGTH = 254;
    private static final Pattern EMAIL = Pattern.compile("^[^\\s@]{1,64}@[^\\s@]+\\.[^\\s@.]{2,}$");

    private EmailAddress() {
    }

    public static String required(JsonInput in, String field) {
        String email = in.required(field, MAX_LENGTH);
        if (email != null && !EMAIL.matcher(email.trim()).matches()) {
            in.reject(field, "invalid", field + " is not a valid email address.");
        }
        return email;
    }
}
