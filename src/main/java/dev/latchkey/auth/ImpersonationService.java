package dev.latchkey.auth;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Log in as customer": an owner (or a secret key with the scope) starts a short session as one of the shop's
 * customers, to see the shop as they do while helping them. Off unless the shop turns {@code staff_impersonation} on.
 * The session is the customer's kind, so a storefront uses its token as any shopper's; it is marked with who started
 * it, shown in the customer's session list, ended as any of their sessions, never refreshed or renewed, and refused
 * wherever the customer must act in person ({@link Guard#inPerson}).
 */
public final class ImpersonationService {
    /** Long enough to look into a shopper's problem, short enough that a token left somewhere is soon worthless. */
    public static final long LIFETIME_SECONDS = 900;
    public static final int MAX_REASON = 200;

    private final Database db;
    private final TokenService tokens;
    private final TenantService tenants;
    private final CustomerService customers;
    private final AuditLog audit;
    private final StaffTokens staff;
    private final Clock clock;

    public ImpersonationService(Database db, TokenService tokens, TenantService tenants, CustomerService customers,
                                AuditLog audit, StaffTokens staff, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.tenants = tenants;
        this.customers = customers;
        this.audit = audit;
        this.staff = staff;
        this.clock = clock;
    }

    /**
     * Starts a session as the customer for {@code actor} (a staff member, whose API token {@code staffToken} is, or the
     * secret key {@code client} names), with an optional {@code reason} for the audit log. 404 for a customer not the
     * tenant's, as every admin route answers an id first; 403 {@code impersonation_disabled} while the shop has it off;
     * 409 with the login's code for an account that may not log in (pending activation, on hold, disabled), as the
     * merchant's password-reset mail answers. Recorded as {@code customer.impersonation_started} in the same
     * transaction.
     */
    public Impersonation start(String tenantId, String customerId, String reason, Actor actor, String staffToken,
                               ClientInfo client) {
        String impersonatedBy = actor.staffId() != null ? actor.staffId() : client.apiKeyId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = now.plusSeconds(LIFETIME_SECONDS);
        Issued issued = db.tx(h -> {
            // The staff member's row, then the tenant's: what ends impersonations locks one of them before it ends
            // them (removal, a new role, a password set by an owner, a second factor reset: the member's; a key
            // revoked, the setting turned off: the tenant's). None commits between the reads below and the session's
            // insert, so what it ends includes this session; one that committed before is seen here, and refuses the
            // start as the caller's next request would be refused.
            StaffTokens.Caller member = actor.staffId() == null ? null
                    : staff.lockAndAuthenticate(h, tenantId, actor.staffId(), staffToken)
                            .orElseThrow(ApiError::invalidToken);
            TenantSettings settings = tenants.lockedSettings(h, tenantId);
            if (member != null) {
                requireStillAllowed(member, settings);
            } else if (!tenants.keyActive(h, tenantId, impersonatedBy)) {
                throw Guard.invalidApiKey(); // revoked since this request's key was checked
            }
            Customer customer = customers.lockExisting(h, tenantId, customerId);
            if (!settings.staffImpersonation()) {
                throw new ApiError(403, "impersonation_disabled", "This shop does not let its staff log in as its "
                        + "customers; an owner may turn staff_impersonation on in the settings.");
            }
            CustomerService.notActive(customer, 409).ifPresent(refusal -> {
                throw refusal;
            });
            Issued started = tokens.startImpersonation(h, tenantId, customerId, impersonatedBy, now, expiresAt);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("session_id", started.sessionId());
            details.put("expires_at", expiresAt.toString());
            if (reason != null) {
                details.put("reason", reason);
            }
            audit.record(h, tenantId, customerId, AuditType.CUSTOMER_IMPERSONATION_STARTED, client,
                    actor.with(details));
            return started;
        });
        return new Impersonation(issued.accessToken(), "Bearer", LIFETIME_SECONDS, expiresAt, issued.sessionId(),
                customerId, impersonatedBy);
    }

    /** What the guard checked of a staff member's session as the request came in, checked again under their lock. */
    private static void requireStillAllowed(StaffTokens.Caller member, TenantSettings settings) {
        if (!member.mfaEnabled() && settings.requireStaffMfa()) {
            throw StaffTokens.mfaSetupRequired(); // their second factor was reset meanwhile
        }
        if (!member.principal().can(Permission.IMPERSONATE_CUSTOMERS)) {
            throw ApiError.insufficientScope("Your role changed while this request waited: it may not log in as a "
                    + "customer.");
        }
    }
}
