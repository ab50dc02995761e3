package dev.latchkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditPurger;
import dev.latchkey.audit.AuditRoutes;
import dev.latchkey.auth.AuthRoutes;
import dev.latchkey.auth.AuthService;
import dev.latchkey.auth.Authenticator;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.TokenService;
import dev.latchkey.config.Config;
import dev.latchkey.config.PlatformToken;
import dev.latchkey.credential.CommonPasswords;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.AdminCustomerRoutes;
import dev.latchkey.customer.CustomerRoutes;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerStore;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.http.HttpServer;
import dev.latchkey.http.Json;
import dev.latchkey.http.Requests;
import dev.latchkey.http.ServiceRoutes;
import dev.latchkey.lockout.AuditLockListener;
import dev.latchkey.lockout.LockoutRoutes;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.ratelimit.InMemoryRateLimiter;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.SettingsValidator;
import dev.latchkey.tenant.TenantRoutes;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantStore;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The whole service wired in plain code, top to bottom. Tests build it with their own config and clock. */
public final class Application implements AutoCloseable {
    private static final Duration AUDIT_PURGE_FIRST = Duration.ofMinutes(1);
    private static final Duration AUDIT_PURGE_EVERY = Duration.ofHours(1);

    private final Database db;
    private final AuditPurger auditPurger;
    private final Javalin server;

    public Application(Config config, Clock clock) {
        ObjectMapper mapper = Json.mapper();
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.db = Database.open(config);
        String platformToken = PlatformToken.resolve(config);

        var audit = new AuditLog(db, mapper, clock);
        var tenants = new TenantService(db, new TenantStore(mapper), new SettingsValidator(mapper), audit, clock);
        this.auditPurger = new AuditPurger(audit, tenants::ids, Duration.ofDays(config.auditRetentionDays()), clock);
        var hasher = new PasswordHasher(config.argon2());
        var policy = new PasswordPolicy(CommonPasswords.load());
        var customers = new CustomerService(db, new CustomerStore(), hasher, audit, clock);
        // The lead adds the owner's notice mail here, beside the audit record.
        var lockout = new LockoutService(db, audit, List.of(new AuditLockListener(audit)), clock);
        var tokens = new TokenService(db, audit, clock);
        var authenticator = new Authenticator(customers, hasher, lockout, audit);
        var auth = new AuthService(tenants, customers, authenticator, tokens, audit, mapper, clock);
        var guard = new Guard(tenants, tokens, platformToken);
        var addresses = new ClientAddresses(config.trustedProxies());
        var requests = new Requests(mapper, addresses);
        var limits = new RateLimits(new InMemoryRateLimiter(clock), config.rateLimits(), addresses);

        var serviceRoutes = new ServiceRoutes(db, metrics);
        var tenantRoutes = new TenantRoutes(guard, tenants, requests);
        var authRoutes = new AuthRoutes(guard, auth, tenants, policy, limits, requests, clock);
        var customerRoutes = new CustomerRoutes(guard, customers, requests);
        var adminCustomerRoutes = new AdminCustomerRoutes(guard, customers, tenants, policy, requests);
        var lockoutRoutes = new LockoutRoutes(guard, lockout, requests);
        var auditRoutes = new AuditRoutes(guard, audit);

        this.server = HttpServer.create(mapper, metrics, List.of(
                serviceRoutes::addTo, tenantRoutes::addTo, authRoutes::addTo, customerRoutes::addTo,
                adminCustomerRoutes::addTo, lockoutRoutes::addTo, auditRoutes::addTo));
    }

    public Application start(int port) {
        server.start(port);
        auditPurger.start(AUDIT_PURGE_FIRST, AUDIT_PURGE_EVERY);
        return this;
    }

    public int port() {
        return server.port();
    }

    /** For operations and tests that look at what the service stored. */
    public Database database() {
        return db;
    }

    public AuditPurger auditPurger() {
        return auditPurger;
    }

    @Override
    public void close() {
        server.stop();
        auditPurger.close();
        db.close();
    }
}
