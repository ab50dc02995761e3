package dev.latchkey.address;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    /** The wire names of the fields that differ from {@code before}'s, for the audit log (never their values). */
    List<String> changedSince(AddressFields before) {
        List<String> changed = new ArrayList<>();
        String[] names = {"first_name", "last_name", "company", "line1", "line2", "city", "region", "postal_code",
                "country", "phone", "tags"};
        Object[] now = {firstName, lastName, company, line1, line2, city, region, postalCode, country, phone, tags};
        Object[] was = {before.firstName, before.lastName, before.company, before.line1, before.line2, before.city,
                before.region, before.postalCode, before.country, before.phone, before.tags};
        for (int i = 0; i < names.length; i++) {
            if (!Objects.equals(now[i], was[i])) {
                changed.add(names[i]);
            }
        }
        return changed;
    }

    private static boolean alike(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }
}
