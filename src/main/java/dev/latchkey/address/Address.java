package dev.latchkey.address;

import dev.latchkey.customer.Customer;

import java.time.Instant;
import java.util.List;

/** The Address object of the API. */
public record Address(String id, String firstName, String lastName, String company, String line1, String line2,
                      String city, String region, String postalCode, String country, String phone, List<String> tags,
                      boolean isDefaultShipping, boolean isDefaultBilling, Instant createdAt, Instant updatedAt) {

    static Address of(StoredAddress stored, Customer owner) {
        AddressFields f = stored.fields();
        return new Address(stored.id(), f.firstName(), f.lastName(), f.company(), f.line1(), f.line2(), f.city(),
                f.region(), f.postalCode(), f.country(), f.phone(), f.tags(),
                stored.id().equals(owner.defaultShippingAddressId()), stored.id().equals(owner.defaultBillingAddressId()),
                stored.createdAt(), stored.updatedAt());
    }
}
