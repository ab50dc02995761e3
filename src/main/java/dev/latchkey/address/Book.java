package dev.latchkey.address;

import dev.latchkey.audit.Actor;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.http.ClientInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One customer's address book as a request reaches it, and who acts on it. The shopper reaches their own: an account
 * erased since their token was checked answers 401 {@code invalid_token}, as their next request will. The merchant
 * names a customer: one that is not the tenant's answers 404. A change is recorded in the audit log with {@code by}
 * (who acted: the event's data begins with it) and {@code client}, as a change of the customer's profile is.
 */
public record Book(String tenantId, String customerId, boolean merchant, Map<String, Object> by, ClientInfo client) {
    public Book {
        by = Map.copyOf(by);
    }

    /**
     * The shopper's own book; an AI shopping agent's change is {@code by: agent} with its grant's session, the
     * merchant's logged in as the customer {@code by: impersonation} with its session.
     */
    public static Book own(AccessToken token, ClientInfo client) {
        return new Book(token.tenantId(), token.customerId(), false, token.actedBy(), client);
    }

    /** A customer's book as the merchant ({@code actor}: the secret key or a staff member) works on it. */
    public static Book ofCustomer(String tenantId, String customerId, Actor actor, ClientInfo client) {
        return new Book(tenantId, customerId, true, actor.with(Map.of()), client);
    }

    /** An audit event's data: who acted, then {@code details}. */
    Map<String, Object> event(Map<String, ?> details) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("by", by.get("by"));
        data.putAll(by);
        data.putAll(details);
        return data;
    }
}
