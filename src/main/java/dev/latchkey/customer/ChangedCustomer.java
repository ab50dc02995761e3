package dev.latchkey.customer;

/** A customer the merchant changed: as they were, locked, and as they are after the change. */
public record ChangedCustomer(AdminCustomer before, AdminCustomer after) {
}
