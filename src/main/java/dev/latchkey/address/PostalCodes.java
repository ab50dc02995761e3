package dev.latchkey.address;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Postal code formats for the countries where the format is well known and fixed (from each postal operator's
 * published scheme). Other countries only get the general shape: letters, digits, spaces and hyphens.
 * Codes are compared upper-case.
 */
final class PostalCodes {
    private record Format(Pattern pattern, String example) {
        static Format of(String regex, String example) {
            return new Format(Pattern.compile("^(" + regex + ")$"), example);
        }
    }

    private static final Pattern GENERAL = Pattern.compile("^[A-Z0-9][A-Z0-9 -]{1,15}$");
    private static final Format FOUR_DIGITS = Format.of("[0-9]{4}", "1010");
    private static final Format FIVE_DIGITS = Format.of("[0-9]{5}", "10115");
    private static final Map<String, Format> FORMATS = Map.ofEntries(
            Map.entry("DE", FIVE_DIGITS),
            Map.entry("FR", Format.of("[0-9]{5}", "75008")),
            Map.entry("IT", FIVE_DIGITS),
            Map.entry("ES", FIVE_DIGITS),
            Map.entry("US", Format.of("[0-9]{5}(-[0-9]{4})?", "94103 or 94103-1234")),
            Map.entry("GB", Format.of("GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", "SW1A 1AA")),
            Map.entry("NL", Format.of("[1-9][0-9]{3} ?[A-Z]{2}", "1012 AB")),
            Map.entry("CA", Format.of("[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]",
                    "K1A 0B1")),
            Map.entry("JP", Format.of("[0-9]{3}-?[0-9]{4}", "100-0001")),
            Map.entry("AT", FOUR_DIGITS),
            Map.entry("CH", FOUR_DIGITS),
            Map.entry("BE", FOUR_DIGITS),
            Map.entry("DK", FOUR_DIGITS),
            Map.entry("NO", FOUR_DIGITS),
            Map.entry("AU", FOUR_DIGITS),
            Map.entry("PL", Format.of("[0-9]{2}-[0-9]{3}", "00-950")),
            Map.entry("SE", Format.of("[0-9]{3} ?[0-9]{2}", "114 55")));

    private PostalCodes() {
    }

    /** Why {@code postalCode} cannot be one of {@code country}, or empty when it fits. */
    static Optional<String> problem(String country, String postalCode) {
        if (!GENERAL.matcher(postalCode).matches()) {
            return Optional.of("postal_code may hold 2 to 16 letters, digits, spaces and hyphens.");
        }
        Format format = country == null ? null : FORMATS.get(country);
        if (format != null && !format.pattern().matcher(postalCode).matches()) {
            return Optional.of("postal_code is not a postal code of " + country + " (e.g. " + format.example() + ").");
        }
        return Optional.empty();
    }
}
