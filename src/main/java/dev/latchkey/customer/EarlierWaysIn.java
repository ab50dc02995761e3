package dev.latchkey.customer;

import dev.latchkey.http.ClientInfo;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ways into an account that do not go through its address: passkeys, linked provider accounts, the second factor
 * and agent grants. Each is only set up while the address is proven, but one set up before the merchant moved the
 * account to an address nobody has proven yet belongs to the account's previous holder, not to the owner of the new
 * address: they all go when the address changes hands, each recorded by its own feature's event with the
 * {@code reason}. Each feature registers how it drops its own (they are built after the services that call this).
 */
public final class EarlierWaysIn {
    /** Drops one kind of way in of the customer, in the caller's transaction, recording each with the reason. */
    @FunctionalInterface
    public interface Kind {
        void forget(Handle h, Customer customer, String reason, ClientInfo client);
    }

    private final List<Kind> kinds = new CopyOnWriteArrayList<>();

    public void add(Kind kind) {
        kinds.add(kind);
    }

    /** Drops every way in of every kind, in the caller's transaction, which holds the customer's row. */
    public void forget(Handle h, Customer customer, String reason, ClientInfo client) {
        kinds.forEach(kind -> kind.forget(h, customer, reason, client));
    }
}
