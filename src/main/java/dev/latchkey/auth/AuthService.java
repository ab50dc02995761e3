package dev.latchkey.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;

import java.time.Clock;
import java.util.Map;

/** Sign-up and log-in: the customer rules decide who may in, the token service opens the session. */
public final class AuthService {
    /** Registration either logs the shopper in ({@code result}) or names the step before they can. */
    public record SignUp(AuthResult result, CustomerView customer, String nextStep) {
    }

    private final TenantService tenants;
    private final CustomerService customers;
    private final Authenticator authenticator;
    private final TokenService tokens;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Clock clock;

    public AuthService(TenantService tenants, CustomerService customers, Authenticator authenticator,
                       TokenService tokens, AuditLog audit, ObjectMapper mapper, Clock clock) {
        this.tenants = tenants;
        this.customers = customers;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.audit = audit;
        this.mapper = mapper;
        this.clock = clock;
    }

    public SignUp register(String tenantId, String email, String password, ProfileInput profile, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        var registration = customers.register(tenantId, settings, email, password, profile, client);
        CustomerView view = CustomerView.of(registration.customer(), mapper);
        if (registration.nextStep() != null) {
            return new SignUp(null, view, registration.nextStep());
        }
        return new SignUp(open(tenantId, settings, registration.customer(), client), view, null);
    }

    public AuthResult login(String tenantId, String email, String password, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        Customer customer = authenticator.authenticate(tenantId, settings, email, password, client);
        AuthResult result = open(tenantId, settings, customer, client);
        audit.record(tenantId, customer.id(), AuditType.LOGIN_SUCCEEDED, client,
                Map.of("session_id", result.sessionId()));
        return result;
    }

    private AuthResult open(String tenantId, TenantSettings settings, Customer customer, ClientInfo client) {
        Issued issued = tokens.startSession(tenantId, settings, SessionKind.CUSTOMER, customer.id(), client);
        return AuthResult.of(issued, CustomerView.of(customer, mapper), null, clock.instant());
    }

    public AuthResult refresh(String tenantId, String refreshToken, ClientInfo client) {
        Issued issued = tokens.refresh(tenantId, tenants.settings(tenantId), SessionKind.CUSTOMER, refreshToken, client);
        return withCustomer(tenantId, issued);
    }

    public AuthResult renew(AccessToken token) {
        return withCustomer(token.tenantId(), tokens.renew(token, tenants.settings(token.tenantId())));
    }

    private AuthResult withCustomer(String tenantId, Issued issued) {
        Customer customer = customers.get(tenantId, issued.customerId());
        return AuthResult.of(issued, CustomerView.of(customer, mapper), null, clock.instant());
    }

    public AuthResult.Anonymous startAnonymous(String tenantId, ClientInfo client) {
        Issued issued = tokens.startSession(tenantId, tenants.settings(tenantId), SessionKind.ANONYMOUS, null, client);
        return AuthResult.Anonymous.of(issued, clock.instant());
    }

    public AuthResult.Anonymous refreshAnonymous(String tenantId, String refreshToken, ClientInfo client) {
        Issued issued = tokens.refresh(tenantId, tenants.settings(tenantId), SessionKind.ANONYMOUS, refreshToken,
                client);
        return AuthResult.Anonymous.of(issued, clock.instant());
    }

    public void logout(AccessToken token, ClientInfo client) {
        tokens.revokeSession(token.tenantId(), token.sessionId());
        audit.record(token.tenantId(), token.customerId(), AuditType.SESSION_REVOKED, client,
                Map.of("reason", "logout", "session_id", token.sessionId()));
    }
}
