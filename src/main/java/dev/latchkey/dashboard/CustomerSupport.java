package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.admin.AdminCustomerService;
import dev.latchkey.admin.BulkChangeInput;
import dev.latchkey.admin.BulkCustomerChanges;
import dev.latchkey.admin.CustomerChangesInput;
import dev.latchkey.admin.NewAccountInput;
import dev.latchkey.audit.Actor;
import dev.latchkey.auth.SessionService;
import dev.latchkey.customer.AdminChanges;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.ApiError;
import dev.latchkey.customer.TagsAndNote;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;
import dev.latchkey.mfa.MfaService;
import dev.latchkey.oidc.IdentityView;
import dev.latchkey.oidc.MerchantSocialLogin;
import dev.latchkey.passkey.Passkey;
import dev.latchkey.passkey.PasskeyService;
import dev.latchkey.tenant.TenantService;

import java.util.Arrays;
import java.util.List;

/**
 * What staff do to a customer from the dashboard: add one (read as the admin API's create reads its body), change the
 * profile (as its PATCH does), change the status (through the admin API's update, which ends every session when the
 * account is put on hold or disabled), change the tags and status of many at once (as the bulk change does), end
 * sessions, turn off two-step sign-in, remove a passkey and unlink a sign-in provider's account, each recorded in the
 * audit log as the staff member's doing.
 */
public final class CustomerSupport {
    private final CustomerService customers;
    private final SessionService sessions;
    private final AdminCustomerService adminCustomers;
    private final BulkCustomerChanges bulkChanges;
    private final MfaService mfa;
    private final PasskeyService passkeys;
    private final MerchantSocialLogin socialLogin;
    private final NewAccountInput newAccounts;
    private final TenantService tenants;
    private final ObjectMapper mapper;

    public CustomerSupport(CustomerService customers, SessionService sessions, AdminCustomerService adminCustomers,
                           BulkCustomerChanges bulkChanges, MfaService mfa, PasskeyService passkeys,
                           MerchantSocialLogin socialLogin,
                           NewAccountInput newAccounts, TenantService tenants, ObjectMapper mapper) {
        this.customers = customers;
        this.sessions = sessions;
        this.adminCustomers = adminCustomers;
        this.bulkChanges = bulkChanges;
        this.mfa = mfa;
        this.passkeys = passkeys;
        this.socialLogin = socialLogin;
        this.newAccounts = newAccounts;
        this.tenants = tenants;
        this.mapper = mapper;
    }

    /**
     * Creates the customer a body of {@code POST /v1/admin/customers} describes, refused as the admin API refuses it
     * (422 naming the fields, 409 {@code email_taken}); the new customer's id. {@code invite}: the invitation mail goes,
     * its link to the shop's first allowed origin; without it, or without an origin for the link, no mail goes.
     */
    public String create(String tenantId, JsonInput body, boolean invite, ClientInfo client) {
        AdminCustomerService.NewAccount account = newAccounts.read(body, tenantId);
        body.validate();
        Actor actor = new Actor(client.staffId());
        return invite && canInvite(tenantId)
                ? adminCustomers.create(tenantId, account, actor, client).customer().id()
                : adminCustomers.createUninvited(tenantId, account, actor, client).id();
    }

    /** Whether an invitation's link has a storefront to lead to: the shop names an allowed origin. */
    public boolean canInvite(String tenantId) {
        return !tenants.settings(tenantId).allowedOrigins().isEmpty();
    }

    /**
     * Applies a body of {@code PATCH /v1/admin/customers/{id}}, refused as the admin API refuses it (422 naming the
     * fields, 409 {@code email_taken} or {@code version_conflict}, 404 for another shop's customer).
     */
    public void changeProfile(String tenantId, String customerId, JsonInput body, ClientInfo client) {
        CustomerChangesInput.Changes read = CustomerChangesInput.read(body, mapper);
        body.validate();
        adminCustomers.update(tenantId, customerId, read.changes(), read.version(), new Actor(client.staffId()),
                client);
    }

    /** The statuses a customer in {@code from} may be moved to; nobody is moved back to pending activation. */
    public static List<Customer.Status> targets(Customer.Status from) {
        return switch (from) {
            case PENDING_ACTIVATION -> List.of(Customer.Status.ACTIVE, Customer.Status.ON_HOLD, Customer.Status.DISABLED);
            case ACTIVE -> List.of(Customer.Status.ON_HOLD, Customer.Status.DISABLED);
            case ON_HOLD -> List.of(Customer.Status.ACTIVE, Customer.Status.DISABLED);
            case DISABLED -> List.of(Customer.Status.ACTIVE);
        };
    }

    /**
     * The statuses some customer may be moved to, in the enum's order: what the list's action bar offers for the ticked
     * customers, whatever their statuses.
     */
    public static List<Customer.Status> anyTargets() {
        return Arrays.stream(Customer.Status.values()).flatMap(from -> targets(from).stream()).distinct().sorted()
                .toList();
    }

    /** A status form's choice: one of {@code offered}, or 422 as for a value no button or option offers. */
    static Customer.Status chosenStatus(String wire, List<Customer.Status> offered) {
        return Customer.Status.ofWire(wire).filter(offered::contains)
                .orElseThrow(() -> new ApiError(422, "validation_failed", "Choose one of the offered statuses."));
    }

    /** Only the moves {@link #targets} offers; the version read here guards against a change made meanwhile. */
    public void changeStatus(String tenantId, String customerId, Customer.Status to, ClientInfo client) {
        Customer before = customers.get(tenantId, customerId);
        if (!targets(before.status()).contains(to)) {
            throw new ApiError(409, "status_unchanged", "An account that is " + before.status().wire().replace('_', ' ')
                    + " cannot be set to " + to.wire().replace('_', ' ') + ".");
        }
        adminCustomers.update(tenantId, customerId, AdminChanges.status(to), before.version(),
                new Actor(client.staffId()), client);
    }

    /**
     * Replaces the customer's tags (one text, comma-separated, as the CSV's cell) and note (blank clears it) as the
     * admin API's update does, refused as it refuses them (422 naming the field); {@code version} is the one the form
     * showed (409 {@code version_conflict} when the customer changed since).
     */
    public void changeTagsAndNote(String tenantId, String customerId, String tags, String note, long version,
                                  ClientInfo client) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("tags").addAll(tagsOf(tags == null ? "" : tags).stream()
                .map(JsonNodeFactory.instance::textNode).toList());
        body.put("note", note == null ? "" : note);
        JsonInput in = JsonInput.of(body);
        TagsAndNote changes = TagsAndNote.read(in);
        in.validate();
        adminCustomers.update(tenantId, customerId, AdminChanges.merchant(changes), version,
                new Actor(client.staffId()), client);
    }

    /**
     * Applies a body of {@code POST /v1/admin/customers/bulk}, refused as the admin API refuses it (422 naming the
     * fields, or the ids that are no customers of the shop); how many customers changed.
     */
    public int changeMany(String tenantId, JsonInput body, ClientInfo client) {
        BulkChangeInput.Request request = BulkChangeInput.read(body);
        body.validate();
        return bulkChanges.apply(tenantId, request, new Actor(client.staffId()), client).changed().size();
    }

    /** The tags of a comma-separated text, each as typed (trimmed, checked and made unique by the tags' rules). */
    static List<String> tagsOf(String text) {
        return Arrays.stream(text.split(",")).filter(tag -> !Text.isBlank(tag)).toList();
    }

    /**
     * Sends a new verification mail as the admin API does, the link built from the tenant's settings; 409
     * {@code email_already_verified} when the address is verified.
     */
    public void resendVerification(String tenantId, String customerId, ClientInfo client) {
        adminCustomers.resendVerification(tenantId, customerId, null, new Actor(client.staffId()), client);
    }

    /**
     * Sends the password-reset mail as the admin API does, the link built from the tenant's settings; within the
     * shop's {@code email_interval} nothing goes (recorded so), as for the shopper's own request.
     */
    public void sendPasswordReset(String tenantId, String customerId, ClientInfo client) {
        adminCustomers.sendPasswordReset(tenantId, customerId, null, new Actor(client.staffId()), client);
    }

    /** Erases the customer as the admin API's deletion does, recorded with the staff member who asked. */
    public void delete(String tenantId, String customerId, ClientInfo client) {
        adminCustomers.delete(tenantId, customerId, new Actor(client.staffId()), client);
    }

    /** A customer who lost their phone: their second factor is turned off as the admin API's reset does. */
    public void resetMfa(String tenantId, String customerId, ClientInfo client) {
        mfa.reset(tenantId, customerId, new Actor(client.staffId()), client);
    }

    public List<Passkey> passkeys(String tenantId, String customerId) {
        return passkeys.listForAdmin(tenantId, customerId);
    }

    /** A lost device's passkey, removed as the admin API removes it; 404 for any other id. */
    public void removePasskey(String tenantId, String customerId, String passkeyId, ClientInfo client) {
        passkeys.deleteByAdmin(tenantId, customerId, passkeyId, new Actor(client.staffId()), client);
    }

    /** The customer's linked sign-in provider accounts, as the admin API lists them. */
    public List<IdentityView> identities(String tenantId, String customerId) {
        return socialLogin.identities(tenantId, customerId);
    }

    /**
     * A link the shopper lost control of, removed as the admin API's unlink removes it: 404 for any other id, 409
     * {@code last_sign_in_method} when it is the account's only way in.
     */
    public void unlinkIdentity(String tenantId, String customerId, String identityId, ClientInfo client) {
        socialLogin.unlink(tenantId, customerId, identityId, new Actor(client.staffId()), client);
    }

    /** Ends one live session of the customer; 404 for any other id. */
    public void revokeSession(String tenantId, String customerId, String sessionId, ClientInfo client) {
        sessions.revokeByAdmin(tenantId, customerId, sessionId, new Actor(client.staffId()), client);
    }

    public void revokeAllSessions(String tenantId, String customerId, ClientInfo client) {
        sessions.revokeAllByAdmin(tenantId, customerId, new Actor(client.staffId()), client);
    }
}
