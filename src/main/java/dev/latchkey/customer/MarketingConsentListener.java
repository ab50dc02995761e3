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
     * none, when the mail carries the token alone).
     */
    void confirmationRequested(Handle h, TenantSettings settings, Customer customer, String linkBase,
                               ClientInfo client);

    /** A request that waited for its confirmation ended without it: its link must no longer subscribe anyone. */
    void requestEnded(Handle h, Customer customer);
}
