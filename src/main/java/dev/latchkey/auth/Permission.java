package dev.latchkey.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What an admin caller may do. An owner may do everything; support staff a listed few. A secret key holds the scopes it
 * was made with, every permission unless its creator chose fewer. Exporting a customer's data is an owner's: it hands
 * out everything held about them at once; so are webhooks, which send the shop's events wherever they point. Turning a
 * customer's second factor off is a permission of its own, not part of lifting a lockout: a key made for unlocking
 * accounts must not also weaken them. Logging in as a customer is an owner's too: it acts as the customer, in their
 * shop, as no other admin route does.
 */
public enum Permission {
    VIEW_CUSTOMERS, EDIT_CUSTOMERS, DELETE_CUSTOMERS, EXPORT_CUSTOMERS, RESET_LOCKOUTS, RESET_MFA, REVOKE_SESSIONS,
    RESEND_VERIFICATION, SEND_PASSWORD_RESET, VIEW_AUDIT, MANAGE_SETTINGS, MANAGE_API_KEYS, MANAGE_STAFF, MANAGE_ORDERS, MANAGE_TEMPLATES,
    MANAGE_WEBHOOKS, IMPERSONATE_CUSTOMERS;

    /** The permission as the API names it, a key's scope: {@code view_customers}. */
    public String wire() {
        return name().toLowerCase();
    }

    /** The permission with this wire name, if there is one. */
    public static Optional<Permission> fromWire(String wire) {
        return Arrays.stream(values()).filter(permission -> permission.wire().equals(wire)).findFirst();
    }

    /** Every permission, unmodifiable. */
    public static Set<Permission> all() {
        return copyOf(EnumSet.allOf(Permission.class));
    }

    /** An unmodifiable copy of {@code permissions}, in the order declared here. */
    public static Set<Permission> copyOf(Collection<Permission> permissions) {
        Set<Permission> copy = EnumSet.noneOf(Permission.class);
        copy.addAll(permissions);
        return Collections.unmodifiableSet(copy);
    }
}
