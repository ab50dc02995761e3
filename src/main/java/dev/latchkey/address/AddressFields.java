package dev.latchkey.address;

import java.util.List;

/** What the shopper writes on an address. Text is trimmed, country and postal code upper-case, tags distinct. */
public record AddressFields(String firstName, String lastName, String company, String line1, String line2, String city,
                            String region, String postalCode, String country, String phone, List<String> tags) {
    public static final AddressFields EMPTY =
            new AddressFields(null, null, null, null, null, null, null, null, null, null, List.of());

    public AddressFields {
        tags = List.copyOf(tags);
    }

    /** The recipient's name and the tags, without the place: what a bulk import's address leaves of one it replaces. */
    AddressFields withoutPlace() {
        return new AddressFields(firstName, lastName, null, null, null, null, null, null, null, null, tags);
    }

    /** The same recipient at the same place: every field but the tags alike, ignoring letter case. */
    boolean samePlaceAs(AddressFields other) {
        return alike(firstName, other.firstName) && alike(lastName, other.lastName) && alike(company, other.company)
                && alike(line1, other.line1) && alike(line2, other.line2) && alike(city, other.city)
                && alike(region, other.region) && alike(postalCode, other.postalCode)
                && alike(country, other.country) && alike(phone, other.phone);
    }

    private static boolean alike(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }
}
