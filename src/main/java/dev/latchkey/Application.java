package dev.latchkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.address.AddressRoutes;
import dev.latchkey.address.AddressService;
import dev.latchkey.admin.AdminCustomerRoutes;
import dev.latchkey.admin.AdminCustomerService;
import dev.latchkey.admin.BulkCustomerChanges;
import dev.latchkey.admin.CustomerMerge;
import dev.latchkey.admin.NewAccountInput;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditRoutes;
import dev.latchkey.auth.AdminSessionRoutes;
import dev.latchkey.auth.AgentRoutes;
import dev.latchkey.auth.AgentService;
import dev.latchkey.auth.ImpersonationRoutes;
import dev.latchkey.auth.ImpersonationService;
import dev.latchkey.auth.AuthRoutes;
import dev.latchkey.auth.AuthService;
import dev.latchkey.auth.Authenticator;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.LoginAdmission;
import dev.latchkey.auth.LoginCodeService;
import dev.latchkey.auth.LoginCompletion;
import dev.latchkey.auth.Secrets;
import dev.latchkey.auth.SessionRoutes;
import dev.latchkey.auth.SessionService;
import dev.latchkey.auth.TokenService;
import dev.latchkey.bulk.BulkCustomerRoutes;
import dev.latchkey.bulk.CustomerDownload;
import dev.latchkey.bulk.CustomerExport;
import dev.latchkey.bulk.CustomerImports;
import dev.latchkey.bulk.ImportWorker;
import dev.latchkey.bulk.RowImporter;
import dev.latchkey.cart.CartRoutes;
import dev.latchkey.cart.CartService;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.cluster.LocalInvalidations;
import dev.latchkey.cluster.PostgresInvalidations;
import dev.latchkey.config.Config;
import dev.latchkey.config.PlatformToken;
import dev.latchkey.config.WebhookKey;
import dev.latchkey.credential.CommonPasswords;
import dev.latchkey.credential.CredentialRoutes;
import dev.latchkey.credential.CredentialService;
import dev.latchkey.credential.HashingPool;
import dev.latchkey.credential.PasswordChanges;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.credential.RecoveryService;
import dev.latchkey.customer.CustomerExpansion;
import dev.latchkey.customer.CustomerExpansions;
import dev.latchkey.customer.CustomerRoutes;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerStore;
import dev.latchkey.customer.CustomerTagStore;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.customer.EarlierWaysIn;
import dev.latchkey.customer.WaysIn;
import dev.latchkey.dashboard.CustomerSupport;
import dev.latchkey.dashboard.DashboardRoutes;
import dev.latchkey.db.Database;
import dev.latchkey.db.Housekeeping;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.http.HttpServer;
import dev.latchkey.http.Json;
import dev.latchkey.http.Requests;
import dev.latchkey.http.ServiceRoutes;
import dev.latchkey.lockout.AuditLockListener;
import dev.latchkey.marketing.MarketingConfirmation;
import dev.latchkey.marketing.MarketingRoutes;
import dev.latchkey.lockout.LockNoticeMail;
import dev.latchkey.lockout.LockoutRoutes;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.mail.BuiltInTemplates;
import dev.latchkey.mail.DevMailbox;
import dev.latchkey.mail.DevMailboxRoutes;
import dev.latchkey.mail.LogMailer;
import dev.latchkey.mail.MailTemplateRoutes;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.Mailer;
import dev.latchkey.mail.Outbox;
import dev.latchkey.mail.OutboxStore;
import dev.latchkey.mail.OutboxWorker;
import dev.latchkey.mail.SmtpMailer;
import dev.latchkey.mail.TemplateStore;
import dev.latchkey.mfa.LoginChallenges;
import dev.latchkey.mfa.MfaRoutes;
import dev.latchkey.mfa.MfaService;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.order.AdminOrderRoutes;
import dev.latchkey.passkey.DecoyCredentials;
import dev.latchkey.passkey.PasskeyLogin;
import dev.latchkey.passkey.PasskeyRoutes;
import dev.latchkey.passkey.PasskeyService;
import dev.latchkey.order.OrderRoutes;
import dev.latchkey.oidc.SocialLogin;
import dev.latchkey.order.OrderService;
import dev.latchkey.privacy.AccountDeletionService;
import dev.latchkey.privacy.ExportSection;
import dev.latchkey.privacy.ExportService;
import dev.latchkey.privacy.PrivacyRoutes;
import dev.latchkey.ratelimit.InMemoryRateLimiter;
import dev.latchkey.ratelimit.RateLimiter;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.ratelimit.RedisRateLimiter;
import dev.latchkey.tenant.ApiKeyRoutes;
import dev.latchkey.tenant.ApiKeyService;
import dev.latchkey.staff.StaffLockout;
import dev.latchkey.staff.StaffLogins;
import dev.latchkey.staff.StaffMfa;
import dev.latchkey.staff.StaffPasswordGuesses;
import dev.latchkey.staff.StaffRoutes;
import dev.latchkey.staff.StaffService;
import dev.latchkey.staff.StillOwner;
import dev.latchkey.staff.StaffSessions;
import dev.latchkey.tenant.SettingsValidator;
import dev.latchkey.tenant.TenantRoutes;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantStore;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokenStore;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.LoginCodes;
import dev.latchkey.verification.VerificationRoutes;
import dev.latchkey.verification.VerificationService;
import dev.latchkey.webhook.DeliveryWorker;
import dev.latchkey.webhook.SigningKey;
import dev.latchkey.webhook.WebhookFanOut;
import dev.latchkey.webhook.WebhookInput;
import dev.latchkey.webhook.WebhookRoutes;
import dev.latchkey.webhook.WebhookService;
import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole service wired in plain code, top to bottom: infrastructure, then each feature's services, then the routes.
 * Tests build it with their own configuration and clock.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);
    private static final Duration HOUSEKEEPING_FIRST = Duration.ofMinutes(1);
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofHours(1);

    private final Database db;
    private final Invalidations invalidations;
    private final HashingPool hashingPool;
    private final TokenService tokens;
    private final OutboxWorker outboxWorker;
    private final DeliveryWorker webhookWorker;
    private final ImportWorker importWorker;
    private final Housekeeping housekeeping;
    private final RateLimiter rateLimiter;
    private final SocialLogin socialLogin;
    private final Javalin server;

    /**
     * Builds the server while its database opens and migrates on a thread of its own ({@link #start} waits for it).
     * When building fails, the database is closed before the failure is passed on: closing waits for a migration
     * under way to end, so that a process exiting on the failure never cuts one off halfway (on H2 each statement of a
     * migration commits by itself, and a half-applied one would stop every later start).
     */
    public static Application build(Config config, Clock clock) {
        Database db = Database.opening(config);
        try {
            return new Application(config, clock, db);
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    private Application(Config config, Clock clock, Database db) {
        this.db = db;
        ObjectMapper mapper = Json.mapper();
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String platformToken = PlatformToken.resolve(config);
        this.invalidations = config.isPostgres() ? new PostgresInvalidations(config, db) : new LocalInvalidations();
        this.hashingPool = new HashingPool(config.hashPool().threads(), config.hashPool().queue(),
                config.argon2().memoryKib());
        var clientAddresses = new ClientAddresses(config.trustedProxies());
        var requests = new Requests(mapper, clientAddresses, config.httpIdleTimeout());
        this.rateLimiter = config.redisUrl().isPresent()
                ? new RedisRateLimiter(config.redisUrl().get(), clock) : new InMemoryRateLimiter(clock);
        var limits = new RateLimits(rateLimiter, config.rateLimits(), clientAddresses);

        // tenants, customers, audit
        var audit = new AuditLog(db, mapper, clock);
        var tenantStore = new TenantStore(mapper, db.isPostgres());
        // settings and API keys are the owners': a staff member demoted while such a change waits is refused
        var stillOwner = new StillOwner();
        // first: a key revoked, a staff member changed or the setting turned off ends the impersonations it allowed
        this.tokens = new TokenService(db, audit, clock, invalidations);
        var tenants = new TenantService(db, tenantStore, new SettingsValidator(mapper), audit, clock, invalidations,
                stillOwner, tokens);
        var apiKeys = new ApiKeyService(db, tenantStore, audit, tokens, clock, stillOwner);
        var hasher = new PasswordHasher(config.argon2(), hashingPool);
        var policy = new PasswordPolicy(CommonPasswords.load());
        var customers = new CustomerService(db, new CustomerStore(db.isPostgres()), new CustomerTagStore(), hasher,
                audit, mapper, clock, invalidations);

        // the merchant's staff: their sessions open admin routes beside the secret key
        var staffSessions = new StaffSessions(db, clock, tenantId -> tenants.tenant(tenantId).suspended());
        var staffLockout = new StaffLockout(db, audit, clock);
        var staff = new StaffService(db, staffSessions, hasher, policy, tenants, staffLockout, limits, audit, clock,
                tokens);
        var guard = new Guard(tenants, tokens, platformToken, staffSessions);

        // mail
        DevMailbox devMailbox = config.devMailbox() ? new DevMailbox(mailer(config, clock), clock) : null;
        var outboxStore = new OutboxStore();
        this.outboxWorker = new OutboxWorker(db, outboxStore,
                devMailbox != null ? devMailbox : mailer(config, clock), config.mailDelivery(),
                // read as stored, as the webhooks' worker reads it: the cached status may lag a suspension briefly
                tenantId -> tenants.find(tenantId).suspended(), clock);
        var templates = new MailTemplates(db, new TemplateStore(), BuiltInTemplates.load(), audit, clock);
        var outbox = new Outbox(templates, outboxStore, tenants, outboxWorker::wake, clock);
        var customerMail = new CustomerMail(outbox);

        // webhooks: every audit event is queued for the tenant's subscribed webhooks in the event's own transaction
        byte[] serverKey = WebhookKey.resolve(config);
        var webhooks = new WebhookService(db, new SigningKey(serverKey), tenants, audit, stillOwner, clock);
        // staff log in with a second factor of their own, kept as the customers' is
        var staffFactor = SecondFactor.staff(serverKey, webhooks::serverKeyUsable, clock);
        var staffChallenges = new LoginChallenges(db, staffFactor, clock);
        staffSessions.onSessionsEnded(staffChallenges::endAll);
        var staffLogins = new StaffLogins(db, staffSessions, tenants, hasher, audit, staffLockout, staffFactor,
                staffChallenges);
        var staffMfa = new StaffMfa(db, staff, staffSessions, staffFactor, tenants, staffLockout, audit, clock);
        this.webhookWorker = new DeliveryWorker(db, webhooks, tenants, config.webhooks(), mapper, clock);
        audit.fanOutTo(new WebhookFanOut(webhookWorker::wake));

        // log-in, lockout, carts and orders
        var lockout = new LockoutService(db, audit,
                List.of(new AuditLockListener(audit), new LockNoticeMail(db, customers, customerMail)), limits, clock);

        var carts = new CartService(db, customers, clock);
        tokens.onSessionsDeleted(carts::deleteGuestCartsOfEndedSessions);
        var orders = new OrderService(db, customers, audit, clock);
        customers.onEmailVerified(orders::attachGuestOrders);

        // emailed tokens and codes: verification, recovery, credential changes, log-in with a code
        var emailTokenStore = new EmailTokenStore();
        var emailTokens = new EmailTokens(emailTokenStore, clock);
        var loginCodes = new LoginCodes(emailTokenStore, emailTokens,
                Secrets.derivedKey(serverKey, LoginCodes.KEY_PURPOSE), clock);
        var loginCodeService = new LoginCodeService(db, customers, loginCodes, emailTokens, customerMail, audit);
        // the passkeys, provider links, second factor and agent grants of an address that changes hands, registered
        // below by their features
        var earlierWaysIn = new EarlierWaysIn(customerMail);
        var verification = new VerificationService(db, tenants, customers, emailTokens, customerMail, mapper,
                earlierWaysIn);
        // the double opt-in of marketing email: a shopper's tick mails a link, and only its use subscribes them
        var marketing = new MarketingConfirmation(db, customers, emailTokens, customerMail, audit, mapper);
        customers.onMarketingConsent(marketing);
        // the second factor's seeds are encrypted under a key derived from the server's (webhook) key
        var customerFactor = SecondFactor.customers(serverKey, webhooks::serverKeyUsable, clock);
        var loginChallenges = new LoginChallenges(db, customerFactor, clock);
        // a login waiting for its second factor ends with the account's sessions (a new password, revoke-all, status)
        tokens.onCustomerSessionsEnded(loginChallenges::endAll);
        var passwordChanges = new PasswordChanges(customers, emailTokens, tokens, customerMail, policy, lockout, audit,
                earlierWaysIn);
        customers.onEmailMoved(emailTokens::voidMailedToOldAddress);
        var credentials = new CredentialService(db, tenants, customers, emailTokens, customerMail, passwordChanges,
                tokens, lockout, mapper, audit);
        var mfa = new MfaService(db, tenants, customers, tokens, credentials::confirmPassword, lockout, customerMail,
                audit, customerFactor);
        // every way of logging a customer in ends here: a session, or the challenge for the second factor
        var completion = new LoginCompletion(db, tenants, customers, tokens, carts, mfa, loginChallenges, lockout,
                audit, mapper, clock);
        // every login whose credential checked out passes here: lockout, the account's state, then the completion
        var admission = new LoginAdmission(db, customers, lockout, completion, audit);
        var authenticator = new Authenticator(db, customers, hasher, lockout, loginCodes, passwordChanges, admission,
                audit);
        var recovery = new RecoveryService(db, tenants, customers, emailTokens, customerMail, passwordChanges,
                completion, limits);
        var auth = new AuthService(db, tenants, customers, authenticator, tokens, completion, verification, audit,
                mapper, clock);
        // social login: the providers' client secrets are encrypted under a key derived from the server's, and the
        // server calls the providers by the webhooks' rules of where it may call
        // what keeps a password-less account open to its owner, asked before a provider account or a passkey goes
        var waysIn = new WaysIn(SocialLogin.linkedAccounts(db.isPostgres()), PasskeyService.held());
        this.socialLogin = new SocialLogin(db, serverKey, webhooks::serverKeyUsable, config.webhooks().allowPrivate(),
                tenants, customers, waysIn, admission, audit, stillOwner, guard, limits, requests, mapper, clock);
        // passkeys: added by a logged-in shopper, a login of their own that ends in the same completion
        // an address without passkeys is offered decoys derived from the server's key, so the options tell nothing
        var passkeys = new PasskeyService(db, tenants, customers, tokens, waysIn, customerMail, audit, mapper, clock);
        var passkeyLogin = new PasskeyLogin(db, passkeys, customers, admission, audit, new DecoyCredentials(serverKey),
                mapper, clock);

        // the shopper's own data
        var addresses = new AddressService(db, customers, audit, clock);
        // what ?expand= may add to a Customer, for the shopper's GET /v1/me and the merchant's read alike
        var expansions = new CustomerExpansions(Map.<String, CustomerExpansion>of("addresses", addresses::allOf),
                mapper);
        var sessions = new SessionService(db, tokens, tenants, customers, audit, clock);
        var agents = new AgentService(db, tokens, tenants, customers, audit, credentials::confirmPassword, customerMail,
                clock);
        var impersonations = new ImpersonationService(db, tokens, tenants, customers, audit, staffSessions, clock);
        earlierWaysIn.add("agents_removed", agents::revokeAll);
        earlierWaysIn.add("passkeys_removed", passkeys::forgetAll);
        earlierWaysIn.add("linked_accounts_removed", socialLogin::unlinkAll);
        earlierWaysIn.add("mfa_removed", mfa::forget);
        var deletion = new AccountDeletionService(db, tenants, customers, tokens, customerMail, audit,
                List.of(sessions::erase, addresses::erase, carts::erase, emailTokens::erase, mfa::erase,
                        socialLogin::erase, passkeys::erase, audit::erasePersonalData), orders, clock);
        customers.onEmailMoved(deletion::withdrawRequests);
        var export = new ExportService(List.of(
                ExportSection.of("profile", (tenant, id) -> CustomerView.of(customers.own(tenant, id), mapper)),
                // the shop's tags and note about the customer: data held about them, though the storefront never shows it
                ExportSection.of("merchant_data", customers::merchantData),
                ExportSection.of("consents", customers::consents),
                ExportSection.of("addresses", addresses::all),
                ExportSection.of("sessions", sessions::history),
                ExportSection.of("agents", agents::history),
                // whether it is on and how many recovery codes are left; never the seed or the codes
                ExportSection.of("mfa", mfa::status),
                ExportSection.of("identities", socialLogin::identitiesOf),
                // names, transports and dates of use; never a public key or credential id
                ExportSection.of("passkeys", passkeys::list),
                ExportSection.of("lockout", lockout::status),
                ExportSection.of("email_tokens", (tenant, id) -> db.read(h -> emailTokens.heldFor(h, tenant, id))),
                ExportSection.of("mail", (tenant, id) -> db.read(h -> outboxStore.writtenFor(h, tenant, id))),
                ExportSection.of("deletion_requests", deletion::requestsOf),
                ExportSection.of("carts", carts::allOf),
                ExportSection.of("orders", orders::allOf),
                ExportSection.of("audit_events", audit::allAbout)), db, customers, audit, clock);
        Duration auditRetention = Duration.ofDays(config.auditRetentionDays());
        this.housekeeping = new Housekeeping(db, tenants::ids, List.of(
                Housekeeping.Job.inBatches("audit events past retention",
                        (h, tenant, now) -> audit.purge(h, tenant, now.minus(auditRetention))),
                Housekeeping.Job.inBatches("expired tokens and sessions", tokens::purgeExpired),
                Housekeeping.Job.once("expired staff sessions", staffSessions::purgeExpired),
                Housekeeping.Job.once("expired emailed tokens", emailTokens::purgeExpired),
                Housekeeping.Job.once("expired deletion tokens", deletion::purgeExpired),
                Housekeeping.Job.once("expired second-factor logins", loginChallenges::purgeExpired),
                Housekeeping.Job.once("expired staff second-factor logins", staffChallenges::purgeExpired),
                Housekeeping.Job.once("expired social logins", socialLogin::purgeExpired),
                Housekeeping.Job.once("expired passkey challenges", passkeys::purgeExpired),
                Housekeeping.Job.inBatches("old webhook deliveries", webhooks::purge)), clock);
        var adminCustomers = new AdminCustomerService(db, tenants, customers, tokens, deletion, verification,
                recovery, emailTokens, customerMail, audit, mapper);
        var bulkChanges = new BulkCustomerChanges(db, customers, adminCustomers);
        var merges = new CustomerMerge(db, customers, adminCustomers, addresses, orders, audit, mapper);
        // a bulk import reads each row as the single create reads its body
        var newAccounts = new NewAccountInput(tenants, policy, mapper);
        var imports = new CustomerImports(db, mapper, audit, tenants, clock);
        this.importWorker = new ImportWorker(db, imports,
                new RowImporter(newAccounts, adminCustomers, customers, addresses, audit), tenants, config.bulk());
        imports.wakeOnQueued(importWorker::wake);

        var staffPasswordGuesses = new StaffPasswordGuesses(limits, staff);
        // the admin API and the dashboard read a new webhook by the same rules
        var webhookInput = new WebhookInput(config.webhooks().allowPrivate());
        var customersDownload = new CustomerDownload(new CustomerExport(customers, addresses, orders::summaries,
                audit, mapper, config.bulk().exportPageSize()), requests);
        var dashboard = new DashboardRoutes(new DashboardRoutes.Services(staffSessions, staffLogins, staff, staffMfa,
                tenants, apiKeys, customers, new CustomerSupport(customers, sessions, adminCustomers, bulkChanges, mfa,
                        passkeys, socialLogin.merchant(), newAccounts, tenants, mapper), lockout,
                sessions,
                audit, export, addresses, orders, webhooks, webhookInput, customersDownload, imports,
                socialLogin.merchant(), templates, merges),
                clientAddresses, limits, staffPasswordGuesses, requests);

        List<Consumer<JavalinDefaultRoutingApi>> features = new ArrayList<>(List.of(
                new ServiceRoutes(db, metrics)::addTo,
                new TenantRoutes(guard, tenants, apiKeys, staff, requests)::addTo,
                new StaffRoutes(guard, staff, staffLogins, staffMfa, tenants, limits, staffPasswordGuesses,
                        requests)::addTo,
                new AuthRoutes(guard, auth, loginCodeService, completion, tenants, policy, limits, requests,
                        clock)::addTo,
                new MfaRoutes(guard, mfa, requests, limits)::addTo,
                socialLogin::addShopperRoutes,
                new PasskeyRoutes(guard, passkeys, passkeyLogin, requests, limits)::addTo,
                new CustomerRoutes(guard, customers, requests, expansions, tenants)::addTo,
                new MarketingRoutes(guard, marketing, limits, requests)::addTo,
                new VerificationRoutes(guard, verification, tenants, limits, requests)::addTo,
                new CredentialRoutes(guard, recovery, credentials, tenants, policy, requests, limits)::addTo,
                new AddressRoutes(guard, addresses, requests)::addTo,
                new SessionRoutes(guard, sessions, requests)::addTo,
                new AgentRoutes(guard, agents, requests, limits, clock)::addTo,
                new PrivacyRoutes(guard, export, deletion, limits, requests)::addTo,
                new CartRoutes(guard, carts, requests)::addTo,
                new OrderRoutes(guard, orders)::addTo,
                new AdminOrderRoutes(guard, orders, requests)::addTo,
                // before the routes of one customer, whose {id} would take "export" and "imports"
                new BulkCustomerRoutes(guard, customersDownload, imports, requests)::addTo,
                new AdminCustomerRoutes(guard, customers, adminCustomers, bulkChanges, newAccounts, requests,
                        expansions, mfa, orders::summaries, merges)::addTo,
                new AdminSessionRoutes(guard, sessions, requests)::addTo,
                new ImpersonationRoutes(guard, impersonations, requests)::addTo,
                new ApiKeyRoutes(guard, apiKeys, requests)::addTo,
                new LockoutRoutes(guard, lockout, requests)::addTo,
                new AuditRoutes(guard, audit)::addTo,
                new MailTemplateRoutes(guard, templates, requests)::addTo,
                new WebhookRoutes(guard, webhooks, webhookInput, requests)::addTo,
                socialLogin::addAdminRoutes,
                dashboard::addTo));
        if (config.webhooks().allowPrivate()) {
            log.warn("LATCHKEY_WEBHOOK_ALLOW_PRIVATE is on: webhooks may call plain http and this server's own "
                    + "network (loopback, private and link-local addresses). Never use it in production.");
        }
        if (devMailbox != null) {
            log.warn("LATCHKEY_DEV_MAILBOX is on: GET /dev/mailbox shows every recent mail with its token to anyone. "
                    + "Never use it in production.");
            features.add(new DevMailboxRoutes(devMailbox)::addTo);
        }
        this.server = HttpServer.create(mapper, metrics, config.requestLog(), config.httpIdleTimeout(),
                guard::corsBeforeRoute,
                dashboard.errorPages(), features);
    }

    /** SMTP when a host is configured; otherwise mail is not sent, and the log names each message. */
    private static Mailer mailer(Config config, Clock clock) {
        return config.smtp().configured() ? new SmtpMailer(config.smtp(), clock) : new LogMailer();
    }

    /** Starts serving once the database is open; a failure closes what was built (threads, pools) and is passed on. */
    public Application start(int port) {
        try {
            // no port opens before the schema is migrated and the pool is up: a readiness probe's first answer means
            // that every route can be served
            db.awaitOpen();
            server.start(port);
            outboxWorker.start();
            webhookWorker.start();
            importWorker.start();
            housekeeping.start(HOUSEKEEPING_FIRST, HOUSEKEEPING_EVERY);
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The database, for tests that look at what a request left behind. */
    public Database database() {
        return db;
    }

    /** How this node hears of other nodes' revocations, for the tests of several nodes on one database. */
    public Invalidations invalidations() {
        return invalidations;
    }

    /** The housekeeping job, for the tests that run it on demand and check that it stops. */
    public Housekeeping housekeeping() {
        return housekeeping;
    }

    /** The import worker, for the tests that look at the files it keeps between turns. */
    public ImportWorker importWorker() {
        return importWorker;
    }

    public int port() {
        return server.port();
    }

    /** Every route as {@code METHOD /path} (as registered, with its parameters), for the tests that sweep them all. */
    public List<String> routes() {
        return server.unsafe.internalRouter.allHttpHandlers().stream()
                .map(route -> route.endpoint.method + " " + route.endpoint.path).toList();
    }

    /** Stops taking requests (those in flight finish), then the workers, then the database. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (RuntimeException e) {
            // a request still running after the stop timeout is cut off; everything else is still closed in order
            log.warn("the HTTP server did not stop within its timeout", e);
        }
        outboxWorker.close();
        webhookWorker.close();
        socialLogin.close();
        importWorker.close();
        housekeeping.close();
        invalidations.close();
        rateLimiter.close();
        hashingPool.close();
        tokens.close();
        db.close();
    }
}
