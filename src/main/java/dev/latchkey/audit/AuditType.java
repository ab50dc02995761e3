package dev.latchkey.audit;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of security event the audit log records. The wire names are part of the API. */
public enum AuditType {
    LOGIN_SUCCEEDED("login.succeeded"),
    LOGIN_FAILED("login.failed"),
    ACCOUNT_LOCKED("account.locked"),
    ACCOUNT_UNLOCKED("account.unlocked"),
    CUSTOMER_REGISTERED("customer.registered"),
    CUSTOMER_CREATED("customer.created"),
    CUSTOMER_UPDATED("customer.updated"),
    CUSTOMER_STATUS_CHANGED("customer.status_changed"),
    CUSTOMER_MARKETING_CONSENT_REQUESTED("customer.marketing_consent_requested"),
    CUSTOMER_MARKETING_CONSENT_CONFIRMED("customer.marketing_consent_confirmed"),
    CUSTOMER_DELETED("customer.deleted"),
    CUSTOMER_MERGED("customer.merged"),
    CUSTOMER_EXPORTED("customer.exported"),
    CUSTOMER_IMPERSONATION_STARTED("customer.impersonation_started"),
    CUSTOMERS_EXPORTED("customers.exported"),
    CUSTOMERS_IMPORTED("customers.imported"),
    ADDRESS_CREATED("address.created"),
    ADDRESS_UPDATED("address.updated"),
    ADDRESS_DELETED("address.deleted"),
    ADDRESS_DEFAULT_CHANGED("address.default_changed"),
    PASSWORD_REHASHED("password.rehashed"),
    PASSWORD_RESET("password.reset"),
    PASSWORD_RESET_SENT("password.reset_sent"),
    LOGIN_CODE_SENT("login.code_sent"),
    PASSWORD_CHANGED("password.changed"),
    PASSWORD_REMOVED("password.removed"),
    PASSWORD_CHECK_FAILED("password.check_failed"),
    EMAIL_VERIFIED("email.verified"),
    VERIFICATION_SENT("email.verification_sent"),
    EMAIL_CHANGE_REQUESTED("email.change_requested"),
    EMAIL_CHANGED("email.changed"),
    SESSION_REVOKED("session.revoked"),
    AGENT_GRANTED("agent.granted"),
    AGENT_REVOKED("agent.revoked"),
    MFA_ENABLED("mfa.enabled"),
    MFA_DISABLED("mfa.disabled"),
    MFA_RECOVERY_CODES_REGENERATED("mfa.recovery_codes_regenerated"),
    MFA_RESET("mfa.reset"),
    MFA_CHECK_FAILED("mfa.check_failed"),
    PASSKEY_ADDED("passkey.added"),
    PASSKEY_REMOVED("passkey.removed"),
    SETTINGS_CHANGED("settings.changed"),
    MAIL_TEMPLATE_CHANGED("mail_template.changed"),
    STAFF_LOGIN_SUCCEEDED("staff.login_succeeded"),
    STAFF_LOGIN_FAILED("staff.login_failed"),
    STAFF_LOCKED("staff.locked"),
    STAFF_LOGGED_OUT("staff.logged_out"),
    STAFF_CREATED("staff.created"),
    STAFF_DELETED("staff.deleted"),
    STAFF_ROLE_CHANGED("staff.role_changed"),
    STAFF_PASSWORD_CHANGED("staff.password_changed"),
    STAFF_PASSWORD_CHECK_FAILED("staff.password_check_failed"),
    STAFF_CONFIRMED("staff.confirmed"),
    STAFF_MFA_ENABLED("staff.mfa_enabled"),
    STAFF_MFA_DISABLED("staff.mfa_disabled"),
    STAFF_MFA_RECOVERY_CODES_REGENERATED("staff.mfa_recovery_codes_regenerated"),
    STAFF_MFA_RESET("staff.mfa_reset"),
    STAFF_MFA_CHECK_FAILED("staff.mfa_check_failed"),
    API_KEY_CREATED("api_key.created"),
    API_KEY_REVOKED("api_key.revoked"),
    ORDER_RECORDED("order.recorded"),
    ORDER_STATUS_CHANGED("order.status_changed"),
    ORDER_TOKEN_REISSUED("order.token_reissued"),
    TENANT_SUSPENDED("tenant.suspended"),
    TENANT_REACTIVATED("tenant.reactivated"),
    WEBHOOK_CREATED("webhook.created"),
    WEBHOOK_UPDATED("webhook.updated"),
    WEBHOOK_DELETED("webhook.deleted"),
    WEBHOOK_SECRET_ROTATED("webhook.secret_rotated"),
    IDENTITY_PROVIDER_CREATED("identity_provider.created"),
    IDENTITY_PROVIDER_UPDATED("identity_provider.updated"),
    IDENTITY_PROVIDER_DELETED("identity_provider.deleted"),
    IDENTITY_LINKED("identity.linked"),
    IDENTITY_UNLINKED("identity.unlinked");

    private final String wire;

    AuditType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<AuditType> fromWire(String value) {
        return Arrays.stream(values()).filter(type -> type.wire.equals(value)).findFirst();
    }
}
