package dev.latchkey.auth;

/**
 * What an admin caller may do. The secret key and an owner may do everything; support staff a listed few. Exporting a
 * customer's data is an owner's: it hands out everything held about them at once; so are webhooks, which send
 * the shop's events wherever they point.
 */
public enum Permission {
    VIEW_CUSTOMERS, EDIT_CUSTOMERS, DELETE_CUSTOMERS, EXPORT_CUSTOMERS, RESET_LOCKOUTS, REVOKE_SESSIONS, RESEND_VERIFICATION,
    SEND_PASSWORD_RESET, VIEW_AUDIT, MANAGE_SETTINGS, MANAGE_API_KEYS, MANAGE_STAFF, MANAGE_ORDERS, MANAGE_TEMPLATES,
    MANAGE_WEBHOOKS
}
