package dev.latchkey.customer;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.verification.CustomerMail;
import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ways into an account that do not go through its address: passkeys, linked provider accounts, the second factor
 * and agent grants. Each is only set up while the address is proven, but one set up before the merchant moved the
 * account to an address nobody has proven yet belongs to the account's previous holder, not to the owner of the new
 * address: they all go when the address changes hands, each recorded by its own feature's event with the
 * {@code reason}. Each feature registers how it drops its own (they are built after the services that call this).
 * When any went, the address's owner is told which, in one mail ({@code ways_in_removed_notice}).
 */
public final class EarlierWaysIn {
    /** Drops one kind of way in of the customer, in the caller's transaction, recording each with the reason. */
    @FunctionalInterface
    public interface Kind {
        /** Whether the customer had any of this kind, now gone. */
        boolean forget(Handle h, Customer customer, String reason, ClientInfo client);
    }

    private record Named(String removedVariable, Kind kind) {
    }

    private final CustomerMail mail;
    private final List<Named> kinds = new CopyOnWriteArrayList<>();

    public EarlierWaysIn(CustomerMail mail) {
        this.mail = mail;
    }

    /**
     * A kind of way in; {@code removedVariable}, one of {@link MailTemplate#WAYS_IN_REMOVED_NOTICE}'s variables, is set
     * in the notice when some of it went.
     */
    public void add(String removedVariable, Kind kind) {
        if (!MailTemplate.WAYS_IN_REMOVED_NOTICE.variables().contains(removedVariable)) {
            throw new IllegalArgumentException("not a variable of the notice: " + removedVariable);
        }
        kinds.add(new Named(removedVariable, kind));
    }

    /**
     * Drops every way in of every kind, in the caller's transaction, which holds the customer's row, and queues the
     * notice of what went to the account's address, the one just proven, when anything did. It greets nobody by name:
     * the name on the account was typed by its previous holder or the merchant, not by the address's owner (the
     * address is not marked verified yet when this runs, so {@link CustomerMail} leaves the name out).
     */
    public void forget(Handle h, Customer customer, String reason, ClientInfo client) {
        Map<String, String> removed = new HashMap<>();
        for (Named named : kinds) {
            if (named.kind().forget(h, customer, reason, client)) {
                removed.put(named.removedVariable(), "yes");
            }
        }
        if (!removed.isEmpty()) {
            mail.send(h, customer, customer.email(), MailTemplate.WAYS_IN_REMOVED_NOTICE, removed, null);
        }
    }
}
