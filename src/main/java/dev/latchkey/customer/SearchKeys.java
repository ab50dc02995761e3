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
     * The keys that begin with a search term: as a LIKE pattern (escape character {@code !}, which JDBI's parser reads
     * more safely than a backslash), and as the range of keys from {@code from} up to {@code to} (excluded; null: no
     * end) in H2's order of strings, by UTF-16 code unit. H2 reads a LIKE from an index only when its pattern is in the
     * statement's text, never a bound one, but it does read such a range.
     */
    record Prefix(String pattern, String from, String to) {
    }

    static Prefix prefix(String term) {
        // names are stored composed (NFC): a term typed with a combining diaeresis is composed to meet them
        String from = lower(Normalizer.normalize(term.trim(), Normalizer.Form.NFC));
        String pattern = from.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        // the keys that begin with "ann" lie before "ano"; a term ending in U+FFFF has no such end
        char last = from.isEmpty() ? Character.MAX_VALUE : from.charAt(from.length() - 1);
        String to = last == Character.MAX_VALUE ? null : from.substring(0, from.length() - 1) + (char) (last + 1);
        return new Prefix(pattern, from, to);
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
