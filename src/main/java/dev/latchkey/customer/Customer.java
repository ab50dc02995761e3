package dev.latchkey.customer;

import dev.latchkey.http.ApiError;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * A shopper's account row. The password hash never leaves the service layer; the TOTP seed is not part of it. The
 * {@code note} is the merchant's (with the tags, which have a table of their own, see {@link AdminCustomer}): the
 * shopper's Customer object never shows it.
 */
public record Customer(
        String tenantId,
        String id,
        String email,
        boolean emailVerified,
        Status status,
        String passwordHash,
        Profile profile,
        String defaultShippingAddressId,
        String defaultBillingAddressId,
        Instant createdAt,
        Instant updatedAt,
        long version,
        Instant mfaEnabledAt,
        String note) {

    /** Whether a login of this account asks for a second factor after the password. */
    public boolean mfaEnabled() {
        return mfaEnabledAt != null;
    }

    /**
     * 403 {@code email_not_verified} unless the address is proven, before a way into the account is added (a second
     * factor, a passkey, a linked provider account). Whoever registers with someone else's address could otherwise set
     * up one of their own, which the owner's first proof of the address would not take away with the password.
     */
    public void requireVerifiedEmail(String toDo) {
        if (!emailVerified) {
            throw new ApiError(403, "email_not_verified", "Verify the email address before " + toDo + ".");
        }
    }

    public enum Status {
        ACTIVE, PENDING_ACTIVATION, ON_HOLD, DISABLED;

        public String wire() {
            return name().toLowerCase();
        }

        public static Status fromWire(String value) {
            return valueOf(value.toUpperCase());
        }

        /** The status with this wire name, if there is one. */
        public static Optional<Status> ofWire(String value) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
        }
    }

    /** The fields a shopper may change themselves. {@code attributes} is a JSON object as text. */
    public record Profile(String firstName, String lastName, String title, String phone, String company,
                          String preferredLanguage, String preferredCurrency, String preferredSite,
                          MarketingConsent marketing, Instant acceptsMarketingUpdatedAt, String attributes) {
        public static final Profile EMPTY =
                new Profile(null, null, null, null, null, null, null, null, MarketingConsent.NONE, null, "{}");

        /** The contract's {@code accepts_marketing}: true exactly while subscribed. */
        public boolean acceptsMarketing() {
            return marketing.subscribed();
        }

        /**
         * The profile with this consent; {@code accepts_marketing_updated_at} moves to {@code now} when
         * {@code accepts_marketing} changes, or always with {@code recordAnyChoice} (a choice made at sign-up).
         */
        public Profile withMarketing(MarketingConsent consent, Instant now, boolean recordAnyChoice) {
            boolean flips = consent.subscribed() != marketing.subscribed();
            return new Profile(firstName, lastName, title, phone, company, preferredLanguage, preferredCurrency,
                    preferredSite, consent, recordAnyChoice || flips ? now : acceptsMarketingUpdatedAt, attributes);
        }
    }
}
