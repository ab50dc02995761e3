package dev.latchkey.customer;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The lower-cased keys the merchant's customer search compares with: the email (stored lower-cased already), the name
 * as "first last" and the last name alone. A search term is lower-cased the same way and matches a key it begins.
 */
public final class SearchKeys {
    private SearchKeys() {
    }

    static String name(Customer.Profile p) {
        return name(p.firstName(), p.lastName());
    }

    /** "first last", either nullable; null when both are. */
    public static String name(String firstName, String lastName) {
        String full = (orEmpty(firstName) + " " + orEmpty(lastName)).trim();
        return full.isEmpty() ? null : lower(full);
    }

    static String lastName(Customer.Profile p) {
        return lastName(p.lastName());
    }

    public static String lastName(String lastName) {
        return lastName == null ? null : lower(lastName);
    }

    /**
     * A LIKE pattern (escape character {@code !}, which JDBI's parser reads more safely than a backslash) for keys that
     * begin with {@code term}.
     */
    static String prefixPattern(String term) {
        return lower(term.trim()).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** Composed (NFC) and lower-cased: a term typed in either Unicode form finds a name stored in either. */
    static String lower(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
