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
}
