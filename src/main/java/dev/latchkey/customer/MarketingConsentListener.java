package dev.latchkey.customer;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

/**
 * What a change of a customer's marketing consent sets off beyond their row, in the change's transaction: the
 * confirmation mail of a double opt-in, and the end of its link. Mail is another feature's, which the customer rules
 * reach through this (registered by the wiring), as they tell of a verified or moved address.
 */
public interface MarketingConsentListener {
    /**
     * The shopper ticked the box and is {@code pending}: the confirmation link goes to their address, built on
     * {@code linkBase} (the checked {@code marketing_confirmation_url} or the shop's first allowed origin; null for
     * none, when the mail carries the token alone). {@code again}: they were pending already, and ask for the mail
     * again; else the request is new (at sign-up, or after an untick).
     */
    void confirmationRequested(Handle h, TenantSettings settings, Customer customer, boolean again, String linkBase,
                               ClientInfo client);

    /**
     * The merchant's decision, or the address moving, ended a request that waited for its confirmation: its link must
     * no longer subscribe anyone, even should the shopper tick the box again. (The shopper's own untick leaves the
     * link unusable only while the consent is not pending: see {@code MarketingConfirmation}.)
     */
    void requestEnded(Handle h, Customer customer);
}
