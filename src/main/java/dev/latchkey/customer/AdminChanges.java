package dev.latchkey.customer;

import java.time.Instant;

/**
 * What the merchant changes on a customer: any of the email, its verification, the status, the profile and the
 * merchant's tags and note; null leaves a field as it is. A changed email counts as unverified unless
 * {@code emailVerified} says otherwise.
 */
public record AdminChanges(String email, Boolean emailVerified, Customer.Status status, ProfileInput profile,
                           TagsAndNote merchant) {
    /** A change of the status only. */
    public static AdminChanges status(Customer.Status status) {
        return new AdminChanges(null, null, status, ProfileInput.UNCHANGED, TagsAndNote.UNCHANGED);
    }

    /** A change of the merchant's tags and note only. */
    public static AdminChanges merchant(TagsAndNote merchant) {
        return new AdminChanges(null, null, null, ProfileInput.UNCHANGED, merchant);
    }

    /** The customer with these changes; its {@code updatedAt} and {@code version} are left for the write to set. */
    Customer applyTo(Customer c, Instant now) {
        String newEmail = email == null ? c.email() : EmailAddress.normalise(email);
        boolean emailChanged = !newEmail.equals(c.email());
        boolean verified = emailVerified != null ? emailVerified : c.emailVerified() && !emailChanged;
        return new Customer(c.tenantId(), c.id(), newEmail, verified, status == null ? c.status() : status,
                c.passwordHash(), profile.applyTo(c.profile(), now, MarketingConsent.Source.MERCHANT),
                c.defaultShippingAddressId(), c.defaultBillingAddressId(), c.createdAt(), c.updatedAt(), c.version(), c.mfaEnabledAt(),
                merchant.noteAfter(c.note()));
    }
}
