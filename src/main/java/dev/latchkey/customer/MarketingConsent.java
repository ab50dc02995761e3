package dev.latchkey.customer;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.latchkey.tenant.TenantSettings;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A customer's consent to marketing email, as Shopify's {@code email_marketing_consent}: its state, how it was given
 * ({@code opt_in_level}) and when the state last changed. {@code accepts_marketing} is true exactly while subscribed.
 */
public record MarketingConsent(State state, OptInLevel optInLevel, Instant consentUpdatedAt) {
    /** A new customer's, before any choice. */
    public static final MarketingConsent NONE = new MarketingConsent(State.NOT_SUBSCRIBED, OptInLevel.UNKNOWN, null);

    public enum State {
        SUBSCRIBED, NOT_SUBSCRIBED, PENDING, UNSUBSCRIBED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The state of this wire name, exactly as written (another case is none). */
        public static Optional<State> ofWire(String value) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
        }
    }

    public enum OptInLevel {
        SINGLE_OPT_IN, CONFIRMED_OPT_IN, UNKNOWN;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The consent as stored: state and level by their wire names. */
    public static MarketingConsent stored(String state, String optInLevel, Instant consentUpdatedAt) {
        return new MarketingConsent(State.valueOf(state.toUpperCase(Locale.ROOT)),
                OptInLevel.valueOf(optInLevel.toUpperCase(Locale.ROOT)), consentUpdatedAt);
    }

    /** Who ticks or unticks the box, which decides where a tick leads. */
    public enum Source {
        /**
         * The merchant (admin API, dashboard, bulk import) asserts a consent it collected itself, by whatever process:
         * the service cannot vouch for it, so its level is {@code unknown}, as that of a consent recorded before
         * levels were.
         */
        MERCHANT,
        /** The shopper, subscribed at once: the shop asks for no confirmation. */
        SHOPPER,
        /** The shopper, subscribed only once they open the emailed link ({@code marketing_double_opt_in}). */
        SHOPPER_CONFIRMING;

        /** The shopper's own tick under the shop's setting. */
        public static Source shopper(TenantSettings settings) {
            return settings.marketingDoubleOptIn() ? SHOPPER_CONFIRMING : SHOPPER;
        }
    }

    public boolean subscribed() {
        return state == State.SUBSCRIBED;
    }

    public boolean pending() {
        return state == State.PENDING;
    }

    /**
     * The consent after a tick ({@code accepts} true) or an untick by {@code source}; this one when nothing changes.
     * An untick ends a subscription ({@code unsubscribed}) or a request still waiting for its confirmation (back to
     * {@code not_subscribed}: the shopper never was subscribed). The level says how the consent was given or asked
     * for, and stays when it is withdrawn.
     */
    public MarketingConsent chosen(boolean accepts, Source source, Instant now) {
        if (!accepts) {
            return switch (state) {
                case SUBSCRIBED -> new MarketingConsent(State.UNSUBSCRIBED, optInLevel, now);
                case PENDING -> new MarketingConsent(State.NOT_SUBSCRIBED, optInLevel, now);
                case NOT_SUBSCRIBED, UNSUBSCRIBED -> this;
            };
        }
        if (subscribed() || pending() && source == Source.SHOPPER_CONFIRMING) {
            return this;
        }
        return switch (source) {
            case MERCHANT -> new MarketingConsent(State.SUBSCRIBED, OptInLevel.UNKNOWN, now);
            case SHOPPER -> new MarketingConsent(State.SUBSCRIBED, OptInLevel.SINGLE_OPT_IN, now);
            case SHOPPER_CONFIRMING -> new MarketingConsent(State.PENDING, OptInLevel.CONFIRMED_OPT_IN, now);
        };
    }

    /** The consent once the shopper opened the confirmation link. */
    public static MarketingConsent confirmed(Instant now) {
        return new MarketingConsent(State.SUBSCRIBED, OptInLevel.CONFIRMED_OPT_IN, now);
    }

    /** The same consent, recorded as chosen {@code now}: a decline at sign-up is a choice to keep a record of too. */
    public MarketingConsent recordedAt(Instant now) {
        return new MarketingConsent(state, optInLevel, now);
    }
}
