package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AI shopping agents acting for a customer: the customer grants one a scoped token, lists their grants and revokes
 * them. A grant is a session of kind {@code agent}, so everything that ends a customer's sessions (a password change or
 * reset, a status change, the erasure, the merchant, "end all other sessions") ends it too, on every node.
 */
public final class AgentService {
    /** Live grants a customer may hold at once: enough for every assistant they use, few enough to review. */
    public static final int MAX_LIVE_GRANTS = 20;
    private static final long DEFAULT_LIFETIME_SECONDS = 3_600;
    public static final long MIN_LIFETIME_SECONDS = 60;
    /** The longest a token without refresh lives; a tenant's {@code session_max_lifetime} may make it shorter. */
    public static final long MAX_LIFETIME_SECONDS = Duration.ofDays(30).toSeconds();
    public static final int MAX_NAME = 100;

    private final Database db;
    private final AgentStore store = new AgentStore();
    private final TokenService tokens;
    private final TenantService tenants;
    private final CustomerService customers;
    private final AuditLog audit;
    private final PasswordConfirmation passwords;
    private final CustomerMail mail;
    private final Clock clock;

    public AgentService(Database db, TokenService tokens, TenantService tenants, CustomerService customers,
                        AuditLog audit, PasswordConfirmation passwords, CustomerMail mail, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.tenants = tenants;
        this.customers = customers;
        this.audit = audit;
        this.passwords = passwords;
        this.mail = mail;
        this.clock = clock;
    }

    /** The longest lifetime a grant of this tenant may ask for. */
    private static long maxLifetime(TenantSettings settings) {
        return Math.min(MAX_LIFETIME_SECONDS, settings.sessionMaxLifetime());
    }

    /**
     * Grants an agent {@code scope} for {@code lifetimeSeconds} (null: an hour), once the customer has typed their
     * {@code password} again ({@link PasswordConfirmation}): the grant outlives the session that makes it. A lifetime beyond the tenant's
     * {@code session_max_lifetime} is refused rather than cut short, so that the answer never surprises the caller.
     * The customer row is locked first, as the erasure locks it, and the count of live grants is read under it: two
     * grants at once cannot both pass the cap. A caller whose session ended meanwhile gets 401.
     */
    public AgentGrant.Issued grant(AccessToken caller, String password, String name, Set<AgentScope> scope,
                                   Long lifetimeSeconds, ClientInfo client) {
        TenantSettings settings = tenants.settings(caller.tenantId());
        long lifetime = lifetimeSeconds == null ? DEFAULT_LIFETIME_SECONDS : lifetimeSeconds;
        if (lifetime > maxLifetime(settings)) {
            throw ApiError.validation("expires_in", "out_of_range", "expires_in must be between "
                    + MIN_LIFETIME_SECONDS + " and " + maxLifetime(settings) + " (this shop's longest session).");
        }
        passwords.confirm(caller, password, "agent_grant", client);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var terms = new AgentGrant.Terms(Secrets.id("agent"), name, scope, now, now.plusSeconds(lifetime));
        Issued issued = db.tx(h -> open(h, caller, SessionService.bornAfter(settings, now), terms, client));
        var grant = new AgentGrant(terms.id(), name, AgentScope.wire(scope), issued.sessionId(), now, now,
                terms.expiresAt());
        return new AgentGrant.Issued(grant, issued.accessToken());
    }

    private Issued open(Handle h, AccessToken caller, Instant bornAfter, AgentGrant.Terms terms, ClientInfo client) {
        String tenantId = caller.tenantId();
        String customerId = caller.customerId();
        Customer customer = customers.lockOwn(h, tenantId, customerId);
        tokens.requireUnended(h, caller);
        if (store.countLive(h, tenantId, customerId, terms.createdAt(), bornAfter) >= MAX_LIVE_GRANTS) {
            throw new ApiError(422, "agent_limit_reached", "A customer may have at most " + MAX_LIVE_GRANTS
                    + " live agent grants; revoke one (DELETE /v1/me/agents/{id}) before granting another.");
        }
        Issued started = tokens.startAgentSession(h, tenantId, customerId, terms, client);
        audit.record(h, tenantId, customerId, AuditType.AGENT_GRANTED, client, Map.of("agent_id", terms.id(),
                "session_id", started.sessionId(), "scope", AgentScope.wire(terms.scope()),
                "expires_at", terms.expiresAt().toString()));
        mail.send(h, customer, customer.email(), MailTemplate.AGENT_GRANTED_NOTICE, notice(customer, terms), null);
        return started;
    }

    /**
     * What the notice of a new grant says: a stolen password, or a session left open, shows itself in the customer's
     * inbox. The agent's name is the grant's own words, so like a customer's name it is in the mail only when it goes
     * to a verified address (whoever registered a stranger's address could otherwise make the shop mail them any text).
     */
    private static Map<String, String> notice(Customer customer, AgentGrant.Terms terms) {
        Map<String, String> values = new HashMap<>(Map.of("agent_scope", String.join(", ",
                AgentScope.wire(terms.scope())), "expires_at", terms.expiresAt().toString()));
        if (customer.emailVerified()) {
            values.put("agent_name", terms.name());
        }
        return values;
    }

    /**
     * The customer's live grants, newest first; as with sessions, one short of a {@code session_max_lifetime} lowered
     * since its grant shows the earlier end.
     */
    public Page<AgentGrant> list(AccessToken caller, Cursor after, int limit) {
        Instant now = clock.instant();
        TenantSettings settings = tenants.settings(caller.tenantId());
        var page = new SessionStore.Slice(now, SessionService.bornAfter(settings, now), after, limit + 1);
        List<AgentGrant> rows = db.read(h -> store.live(h, caller.tenantId(), caller.customerId(), page))
                .stream().map(grant -> grant.endingBy(
                        TokenService.sessionEnd(settings, SessionKind.AGENT, grant.createdAt())))
                .toList();
        return Page.of(rows, limit, Listing.AGENTS, last -> new Cursor(last.createdAt(), last.sessionId()));
    }

    /**
     * Ends one of the customer's live grants, recorded as {@code agent.revoked}; an ended, unknown or another
     * customer's grant is not found. Locks as {@link SessionService#revoke} does.
     */
    public void revoke(AccessToken caller, String agentId, ClientInfo client) {
        String tenantId = caller.tenantId();
        String customerId = caller.customerId();
        Instant now = clock.instant();
        Instant bornAfter = SessionService.bornAfter(tenants.settings(tenantId), now);
        db.tx(h -> {
            customers.lockOwn(h, tenantId, customerId);
            String sessionId = store.liveSessionOf(h, tenantId, customerId, agentId, now, bornAfter)
                    .orElseThrow(AgentService::notFound);
            tokens.requireUnended(h, caller, sessionId);
            // the second of two requests revoking one grant at once finds it ended by the first
            if (!tokens.revokeSession(h, tenantId, sessionId)) {
                throw notFound();
            }
            audit.record(h, tenantId, customerId, AuditType.AGENT_REVOKED, client,
                    Map.of("agent_id", agentId, "session_id", sessionId, "reason", "customer"));
            return null;
        });
    }

    /**
     * Ends every grant of the customer, in the caller's transaction, each recorded as {@code agent.revoked} with the
     * {@code reason}: the address changed hands (see {@link dev.latchkey.customer.EarlierWaysIn}). Whether any was
     * live.
     */
    public boolean revokeAll(Handle h, Customer customer, String reason, ClientInfo client) {
        String tenantId = customer.tenantId();
        boolean any = false;
        for (var grant : store.unrevoked(h, tenantId, customer.id(), clock.instant())) {
            if (tokens.revokeSession(h, tenantId, grant.getValue())) {
                audit.record(h, tenantId, customer.id(), AuditType.AGENT_REVOKED, client,
                        Map.of("agent_id", grant.getKey(), "session_id", grant.getValue(), "reason", reason));
                any = true;
            }
        }
        return any;
    }

    /** Every grant held about the customer, ended ones included: what the data export lists. */
    public List<AgentGrant.Held> history(String tenantId, String customerId) {
        return db.read(h -> store.all(h, tenantId, customerId));
    }

    private static ApiError notFound() {
        return ApiError.notFound("Agent grant");
    }
}
