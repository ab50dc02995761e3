package dev.latchkey.customer;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The lower-cased keys the merchant's customer search compares with: the email (stored lower-cased already), the name
 * as "first last" and the last name alone. A search term is lower-cased the same way and matches a key it begins.
 */
final class SearchKeys {
    private SearchKeys() {
    }

    static String name(Customer.Profile p) {
        String full = (orEmpty(p.firstName()) + " " + orEmpty(p.lastName())).trim();
        return full.isEmpty() ? null : lower(full);
    }

    static String lastName(Customer.Profile p) {
        return p.lastName() == null ? null : lower(p.lastName());
    }

    /**
     * A LIKE pattern (escape character {@code !}, which JDBI's parser reads more safely than a backslash) for keys that
     * begin with {@code term}.
     */
    static String prefixPattern(String term) {
        // names are stored composed (NFC): a term typed with a combining diaeresis is composed to meet them
        return lower(Normalizer.normalize(term.trim(), Normalizer.Form.NFC)).replace("!", "!!").replace("%", "!%")
                .replace("_", "!_") + "%";
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
