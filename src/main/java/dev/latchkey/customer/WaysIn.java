package dev.latchkey.customer;

import dev.latchkey.http.ApiError;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.util.Map;

/**
 * The one rule of whether an account keeps a way in for its owner once one credential goes: a password, a provider
 * account linked to a provider the shop has enabled, a passkey, or the shop's login codes (which reach any account by
 * its address). Asked under the customer's row lock, which adding or removing any of them takes first, so that two
 * removals at once cannot each leave the other as the last. A provider account counts only while its provider is
 * enabled, which the merchant changes without touching customers' rows: counting it locks the provider's row, so that
 * a disable or delete and a removal that counted on the provider take turns.
 */
public final class WaysIn {
    /** A credential a customer may hold several of, counted by the feature that keeps it. */
    public enum Kind {
        PROVIDER_ACCOUNT("provider account"),
        PASSKEY("passkey");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }
    }

    /** How many credentials of one kind the customer holds, read in the caller's transaction. */
    @FunctionalInterface
    public interface Held {
        int count(Handle h, String tenantId, String customerId);
    }

    private final Map<Kind, Held> held;

    public WaysIn(Held providerAccounts, Held passkeys) {
        this.held = Map.of(Kind.PROVIDER_ACCOUNT, providerAccounts, Kind.PASSKEY, passkeys);
    }

    /** 409 {@code last_sign_in_method} when {@code customer} would have no way in left without one {@code kind}. */
    public void requireAnotherWithout(Handle h, TenantSettings settings, Customer customer, Kind kind) {
        if (!keepsWayInWithout(h, settings, customer, kind)) {
            throw new ApiError(409, "last_sign_in_method", "This " + kind.noun + " is the account's last way to "
                    + "log in: set a password (a password reset sets one), link a provider account or add a passkey "
                    + "first.");
        }
    }

    private boolean keepsWayInWithout(Handle h, TenantSettings settings, Customer customer, Kind without) {
        if (customer.passwordHash() != null || settings.loginCodes()) {
            return true;
        }
        for (var kind : held.entrySet()) {
            int count = kind.getValue().count(h, customer.tenantId(), customer.id());
            if (count > (kind.getKey() == without ? 1 : 0)) {
                return true;
            }
        }
        return false;
    }
}
