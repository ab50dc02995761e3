package dev.latchkey.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.TokenService;
import dev.latchkey.credential.HashFormat;
import dev.latchkey.credential.RecoveryService;
import dev.latchkey.customer.AdminChanges;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.AdminCustomerView;
import dev.latchkey.customer.ChangedCustomer;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerTags;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.customer.TagsAndNote;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.privacy.AccountDeletionService;
import dev.latchkey.privacy.ErasureStep;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.RedirectPolicy;
import dev.latchkey.verification.TokenPurpose;
import dev.latchkey.verification.VerificationService;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the merchant does to customers, each in one transaction with its audit event: create (with a password, an
 * imported hash, or an invitation to choose one), change (a status that may not log in ends every session at once),
 * erase, send the verification mail again, and send a password-reset mail.
 */
public final class AdminCustomerService {
    /**
     * A customer the merchant creates: at most one of {@code password} and {@code passwordHash}; with neither the
     * customer is invited by mail to choose a password, through a link to {@code invitationUrl} (nullable).
     * {@code merchant}: the merchant's tags and note.
     */
    public record NewAccount(String email, boolean emailVerified, Customer.Status status, String password,
                             String passwordHash, ProfileInput profile, TagsAndNote merchant, String invitationUrl) {
        boolean invited() {
            return password == null && passwordHash == null;
        }
    }

    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final TokenService tokens;
    private final AccountDeletionService deletion;
    private final VerificationService verification;
    private final RecoveryService recovery;
    private final EmailTokens emailTokens;
    private final CustomerMail mail;
    private final AuditLog audit;
    private final ObjectMapper mapper;

    public AdminCustomerService(Database db, TenantService tenants, CustomerService customers, TokenService tokens,
                                AccountDeletionService deletion, VerificationService verification,
                                RecoveryService recovery, EmailTokens emailTokens, CustomerMail mail, AuditLog audit,
                                ObjectMapper mapper) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.tokens = tokens;
        this.deletion = deletion;
        this.verification = verification;
        this.recovery = recovery;
        this.emailTokens = emailTokens;
        this.mail = mail;
        this.audit = audit;
        this.mapper = mapper;
    }

    /**
     * Creates the customer; an invitation is queued in the same transaction. It carries a password-reset token that
     * lives {@code verification_ttl} seconds (an invitation waits longer than a reset), used at
     * {@code POST /v1/auth/password/reset}.
     */
    public AdminCustomer create(String tenantId, NewAccount input, Actor actor, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        String linkBase = input.invited() ? RedirectPolicy.linkBase(settings, input.invitationUrl(), "invitation_url")
                : null;
        String hash = input.password() != null ? customers.hashPassword(input.password()) : input.passwordHash();
        Map<String, Object> how = input.invited() ? Map.of("invited", true) : howHashed(input, hash);
        return db.tx(h -> {
            AdminCustomer created = customers.create(h, tenantId, fresh(input, hash), actor.with(how), client);
            if (input.invited()) {
                invite(h, settings, created.customer(), linkBase);
            }
            return created;
        });
    }

    /**
     * Creates a customer without a password and sends no mail, as an import does: the customer sets a password through
     * "forgot password" (the dashboard's "Add customer" when no invitation is wanted, or none can carry a link).
     */
    public Customer createUninvited(String tenantId, NewAccount input, Actor actor, ClientInfo client) {
        if (!input.invited()) {
            throw new IllegalArgumentException("only a customer without a password is created uninvited");
        }
        return db.tx(h -> createImported(h, tenantId, input, actor, client, Map.of()));
    }

    /**
     * Creates a customer of a bulk import in the caller's transaction: with an imported hash, or without a password and
     * not invited (no mail goes; the customer sets a password through "forgot password"). {@code details} join the
     * {@code customer.created} event (the import's id).
     */
    public Customer createImported(Handle h, String tenantId, NewAccount input, Actor actor, ClientInfo client,
                                   Map<String, ?> details) {
        Map<String, Object> data = new HashMap<>(details);
        data.putAll(input.passwordHash() == null ? Map.of("without_password", true)
                : howHashed(input, input.passwordHash()));
        return customers.create(h, tenantId, fresh(input, input.passwordHash()), actor.with(data), client).customer();
    }

    /**
     * A bulk import's {@code password_hash} for a customer the shop has already, in the caller's transaction: set only
     * when the customer has no password (created or invited without one, and none chosen since), never over one the
     * shopper has, which a file exported before the shopper changed it would undo. False when the customer has a
     * password, which stays. Recorded as {@code password.changed} with {@code imported_hash}; no session ends and no
     * mail goes, as there was no password to take over.
     */
    public boolean importPasswordHash(Handle h, Customer customer, String hash, Actor actor, ClientInfo client,
                                      Map<String, ?> details) {
        if (!customers.setPasswordIfNone(h, customer, hash)) {
            return false;
        }
        Map<String, Object> data = new HashMap<>(details);
        data.put("imported_hash", hashFormat(hash));
        data.put("other_sessions_revoked", false);
        audit.record(h, customer.tenantId(), customer.id(), AuditType.PASSWORD_CHANGED, client, actor.with(data));
        return true;
    }

    private static CustomerService.NewCustomer fresh(NewAccount input, String hash) {
        return new CustomerService.NewCustomer(input.email(), input.emailVerified(), input.status(), hash,
                input.profile(), input.merchant());
    }

    private static Map<String, Object> howHashed(NewAccount input, String hash) {
        return input.password() != null ? Map.of()
                : Map.of("imported_hash", hashFormat(hash));
    }

    private static String hashFormat(String hash) {
        return HashFormat.of(hash).map(HashFormat::wire).orElse("unknown");
    }

    private void invite(Handle h, TenantSettings settings, Customer customer, String linkBase) {
        long ttl = settings.verificationTtl();
        String token = emailTokens.issue(h, customer.tenantId(), customer.id(), TokenPurpose.PASSWORD_RESET,
                customer.email(), ttl);
        mail.send(h, customer, customer.email(), MailTemplate.INVITATION, Map.of(),
                new SecretLink(linkBase, token, Duration.ofSeconds(ttl)));
    }

    /**
     * Applies the merchant's changes; with {@code expectedVersion} given and stale, 409 {@code version_conflict}. A
     * status other than {@code active} ends every session of the customer in the same transaction; a new email
     * address is told to the old one.
     */
    public AdminCustomer update(String tenantId, String id, AdminChanges changes, Long expectedVersion, Actor actor,
                                ClientInfo client) {
        return update(tenantId, id, current -> {
            if (expectedVersion != null && expectedVersion != current.customer().version()) {
                throw CustomerService.versionConflict();
            }
            return changes;
        }, actor, client);
    }

    /**
     * Adds and removes tags (matched whatever their case; a tag the customer has keeps its spelling) with the
     * customer's row locked, so that two changes at once both stay. 422 naming {@code add} when the customer would
     * have more than 250 tags. Recorded as any change of the customer is.
     */
    public AdminCustomer changeTags(String tenantId, String id, List<String> add, List<String> remove, Actor actor,
                                    ClientInfo client) {
        return update(tenantId, id, current -> {
            List<String> next = CustomerTags.changed(current.tags(), add, remove);
            CustomerTags.tooMany(next).ifPresent(message -> {
                throw ApiError.validation("add", "too_long", message);
            });
            return AdminChanges.merchant(TagsAndNote.tags(next));
        }, actor, client);
    }

    /** Applies the changes that {@code decide} makes of the customer as locked, with their audit events. */
    private AdminCustomer update(String tenantId, String id, Function<AdminCustomer, AdminChanges> decide,
                                 Actor actor, ClientInfo client) {
        record Change(Customer before, AdminCustomer after) {
        }
        Change change = db.tx(h -> {
            AdminCustomer current = customers.lockForAdmin(h, tenantId, id);
            AdminCustomer updated = customers.updateByAdmin(h, current, decide.apply(current), client);
            recordChanges(h, current, updated, actor, client);
            return new Change(current.customer(), updated);
        });
        return change.after();
    }

    /**
     * The audit events of a change made in {@code h}'s transaction (one customer; {@link #recordAllChanges} for many):
     * {@code customer.updated} with the changed fields, {@code customer.status_changed} (a status other than active
     * ends every session first), {@code email.changed} with the notice to the old address.
     */
    void recordChanges(Handle h, AdminCustomer was, AdminCustomer now, Actor actor, ClientInfo client) {
        changeEvents(h, was, now, actor, client).forEach(event -> audit.record(h, event));
        afterEmailChange(h, was.customer(), now.customer());
    }

    /**
     * {@link #update} of the customer a bulk import's row changes, in the caller's transaction, without a version to
     * expect. The change's events, those {@link #recordChanges} records, are answered instead, for the import to record
     * with the rest of its batch's in one batched insert ({@link AuditLog#recordAll}).
     */
    public List<AuditLog.Entry> updateImported(Handle h, String tenantId, String id, AdminChanges changes, Actor actor,
                                               ClientInfo client) {
        AdminCustomer current = customers.lockForAdmin(h, tenantId, id);
        AdminCustomer updated = customers.updateByAdmin(h, current, changes, client);
        List<AuditLog.Entry> events = changeEvents(h, current, updated, actor, client);
        afterEmailChange(h, current.customer(), updated.customer());
        return events;
    }

    /** The events of one customer's change in {@code h}'s transaction, whose sessions it ends first when it must. */
    private List<AuditLog.Entry> changeEvents(Handle h, AdminCustomer was, AdminCustomer now, Actor actor,
                                              ClientInfo client) {
        Customer before = was.customer();
        // published by nobody here: the one invalidation of the changed row, after the commit, has every node forget
        // the customer's tokens too (they carry the email), those that a request cached meanwhile among them
        int ended = endsSessions(before, now.customer()) ? tokens.revokeSessionsOfCustomers(h, before.tenantId(),
                List.of(before.id())).getOrDefault(before.id(), 0) : 0;
        return changeEvents(was, now, actor, client, ended);
    }

    /**
     * {@link #recordChanges} for many customers of the tenant changed in {@code h}'s transaction, with what is the same
     * for each done once for all: their sessions ended in a few statements, their events recorded in one batch (in
     * the order of {@code changes}, each customer's in the order a single change records them).
     */
    void recordAllChanges(Handle h, String tenantId, List<ChangedCustomer> changes, Actor actor, ClientInfo client) {
        Map<String, Integer> ended = tokens.revokeSessionsOfCustomers(h, tenantId, changes.stream()
                .filter(c -> endsSessions(c.before().customer(), c.after().customer()))
                .map(c -> c.before().customer().id()).toList());
        List<AuditLog.Entry> events = new ArrayList<>();
        changes.forEach(c -> events.addAll(changeEvents(c.before(), c.after(), actor, client,
                ended.getOrDefault(c.before().customer().id(), 0))));
        audit.recordAll(h, events);
        changes.forEach(c -> afterEmailChange(h, c.before().customer(), c.after().customer()));
    }

    /** Whether the change moves the customer to a status that may not log in: every session ends. */
    private static boolean endsSessions(Customer before, Customer after) {
        return before.status() != after.status() && after.status() != Customer.Status.ACTIVE;
    }

    /** The change's events; {@code sessionsEnded}: how many sessions the change of status ended. */
    private List<AuditLog.Entry> changeEvents(AdminCustomer was, AdminCustomer now, Actor actor, ClientInfo client,
                                              int sessionsEnded) {
        Customer before = was.customer();
        Customer after = now.customer();
        String tenantId = before.tenantId();
        List<AuditLog.Entry> events = new ArrayList<>();
        List<String> changed = AdminCustomerView.changedFields(was, now, mapper);
        changed.remove("status");
        if (!changed.isEmpty()) {
            events.add(new AuditLog.Entry(tenantId, before.id(), AuditType.CUSTOMER_UPDATED, client,
                    actor.with(Map.of("changed", changed))));
        }
        if (before.status() != after.status()) {
            events.add(new AuditLog.Entry(tenantId, before.id(), AuditType.CUSTOMER_STATUS_CHANGED, client,
                    actor.with(Map.of("from", before.status().wire(), "to", after.status().wire(),
                            "sessions_revoked", sessionsEnded))));
        }
        if (!before.email().equals(after.email())) {
            events.add(new AuditLog.Entry(tenantId, before.id(), AuditType.EMAIL_CHANGED, client,
                    actor.with(Map.of())));
        }
        return events;
    }

    /** What follows a new address but its event: the shop's address wins, and the old one hears of it. */
    private void afterEmailChange(Handle h, Customer before, Customer after) {
        if (before.email().equals(after.email())) {
            return;
        }
        // the shop's address wins over a change the shopper asked for earlier and has not confirmed
        emailTokens.voidOutstanding(h, before.tenantId(), before.id(), TokenPurpose.EMAIL_CHANGE);
        // the notice says the shop made the change, and that it is done (a shopper's own change awaits confirmation)
        mail.send(h, before, before.email(), MailTemplate.EMAIL_CHANGED_NOTICE,
                Map.of("new_email", after.email(), "changed_by_shop", "yes"), null);
    }

    /** Erases the account as the shopper's own deletion does: orders stay without personal data, the email is free. */
    public void delete(String tenantId, String id, Actor actor, ClientInfo client) {
        deletion.erase(tenantId, id, deletionRecord(actor, client));
    }

    /**
     * Erases a customer the caller locked in its transaction, recorded as {@link #delete} records it, their orders
     * going to {@code keptId} (a merge); returns how many orders moved.
     */
    int eraseInto(Handle h, Customer locked, String keptId, Actor actor, ClientInfo client) {
        return deletion.eraseInto(h, locked, keptId, deletionRecord(actor, client));
    }

    private ErasureStep deletionRecord(Actor actor, ClientInfo client) {
        return (h, tenant, customer) ->
                audit.record(h, tenant, customer, AuditType.CUSTOMER_DELETED, client, actor.with(Map.of()));
    }

    /**
     * Sends a new verification mail, whatever the mail throttle says (the merchant asks on purpose, and it is
     * recorded). 409 {@code email_already_verified} when there is nothing to verify. An account on hold or disabled
     * gets it too, as the merchant may be about to reactivate it; its link works once the account is active.
     */
    public void resendVerification(String tenantId, String id, String verificationUrl, Actor actor,
                                   ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        String linkBase = RedirectPolicy.linkBase(settings, verificationUrl, "verification_url");
        db.tx(h -> {
            Customer customer = customers.lockExisting(h, tenantId, id);
            if (customer.emailVerified()) {
                throw new ApiError(409, "email_already_verified", "The customer's email address is verified already.");
            }
            verification.send(h, settings, customer, linkBase);
            audit.record(h, tenantId, id, AuditType.VERIFICATION_SENT, client, actor.with(Map.of()));
            return null;
        });
    }

    /**
     * Sends the reset mail and token of {@code POST /v1/auth/password/forgot}; answers whether it went. The
     * {@code email_interval} throttle holds for the merchant too (the shopper's inbox fills up all the same): within
     * it nothing goes, and the answer is false. An account that may not log in, to which forgot silently sends
     * nothing, is refused with 409 and its login's code: its link would be refused too. Recorded either way, with
     * {@code throttled} when no mail went.
     */
    public boolean sendPasswordReset(String tenantId, String id, String resetUrl, Actor actor, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        String linkBase = RedirectPolicy.linkBase(settings, resetUrl, "redirect_url");
        return db.tx(h -> {
            Customer customer = customers.lockExisting(h, tenantId, id);
            Optional<ApiError> refusal = CustomerService.notActive(customer, 409);
            if (refusal.isPresent()) {
                throw refusal.get();
            }
            boolean sent = recovery.mailReset(h, settings, customer, linkBase);
            audit.record(h, tenantId, id, AuditType.PASSWORD_RESET_SENT, client,
                    actor.with(sent ? Map.of() : Map.of("throttled", true)));
            return sent;
        });
    }
}
