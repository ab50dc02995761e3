package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.RecentLogin;
import dev.latchkey.auth.LoginAdmission;
import dev.latchkey.auth.Secrets;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.customer.WaysIn;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.JsonInput;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Logging a shopper in with an OpenID Connect provider (authorization code with PKCE S256 and a nonce). The start
 * keeps the verifier and nonce server-side under the hash of a one-time state, with the hash of a binding: a secret
 * that goes to the browser which started the login and never to the provider, which the callback must bring, so that a
 * code and state planted on another browser finish nothing (login CSRF). The callback exchanges the code, checks
 * the ID token and then: a linked provider account logs its customer in, after the status rules, ending as every
 * other login does ({@link LoginAdmission#letIn}: second factor, guest cart, audit); an unknown one with a verified
 * address nobody has opens a new account; an address that has an account already is never linked by itself (whoever
 * controls the provider account could otherwise take the shop account over): the shopper logs in and links it from
 * their account.
 */
final class SocialLoginService {
    static final Duration STATE_TTL = Duration.ofMinutes(10);
    static final String METHOD = "oidc";
    static final int RACE_ATTEMPTS = 3;

    /** The start's answer: {@code binding} stays in the browser, and only its callback brings it back. */
    record Started(String authorizationUrl, String state, String binding) {
    }

    /** The callback's answer: its status and body. */
    record Finished(int status, Object body) {
    }

    private final Database db;
    private final OidcStore store;
    private final IdentityProviderService providers;
    private final ProviderDirectory directory;
    private final IdTokens idTokens;
    private final TenantService tenants;
    private final CustomerService customers;
    private final WaysIn waysIn;
    private final LoginAdmission admission;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Clock clock;

    SocialLoginService(Database db, OidcStore store, IdentityProviderService providers, ProviderDirectory directory,
                       IdTokens idTokens, TenantService tenants, CustomerService customers, WaysIn waysIn,
                       LoginAdmission admission, AuditLog audit, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.store = store;
        this.providers = providers;
        this.directory = directory;
        this.idTokens = idTokens;
        this.tenants = tenants;
        this.customers = customers;
        this.waysIn = waysIn;
        this.admission = admission;
        this.audit = audit;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The provider's authorization URL for this login; {@code linkCustomerId} when a customer links instead. */
    Started start(String tenantId, String slug, String redirectUri, AccessToken linking) {
        if (linking != null) {
            RecentLogin.require(linking, clock.instant(), "link a provider account");
            customers.own(tenantId, linking.customerId()).requireVerifiedEmail("linking a provider account");
        }
        String linkCustomerId = linking == null ? null : linking.customerId();
        IdentityProvider provider = enabled(tenantId, slug);
        var metadata = directory.metadata(provider.issuer());
        String state = Secrets.secret("ost");
        String verifier = Secrets.secret("pkce");
        String nonce = Secrets.secret("nonce");
        String binding = Secrets.secret("osb");
        Instant now = clock.instant();
        var stored = new OidcStore.State(provider.id(), redirectUri, verifier, nonce, linkCustomerId,
                Secrets.sha256(binding), now.plus(STATE_TTL));
        db.tx(h -> {
            store.insertState(h, tenantId, Secrets.sha256(state), stored, now);
            return null;
        });
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", provider.clientId());
        query.put("redirect_uri", redirectUri);
        query.put("scope", String.join(" ", provider.scopes()));
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        String endpoint = metadata.authorizationEndpoint().toString();
        return new Started(endpoint + (endpoint.contains("?") ? "&" : "?") + Forms.of(query), state, binding);
    }

    /**
     * The provider sent the browser back with {@code code}: logs in, opens an account, or (a state started to link)
     * links the provider account to the customer whose token the callback carries, which {@code caller} answers
     * (null for none) and is asked for only then. A {@code binding} that is not the state's is refused as an unknown
     * state is, after the state is used up: whoever planted it cannot try again.
     */
    Finished callback(String tenantId, String slug, String stateValue, String binding, String code,
                      GuestCart guestCart, Supplier<String> caller, ClientInfo client) {
        var state = db.tx(h -> store.takeState(h, tenantId, Secrets.sha256(stateValue)))
                .filter(found -> found.expiresAt().isAfter(clock.instant()) && found.boundTo(binding))
                .orElseThrow(SocialLoginService::invalidState);
        IdentityProvider provider = enabled(tenantId, slug);
        if (!provider.id().equals(state.providerId())
                || state.linkCustomerId() != null && !state.linkCustomerId().equals(caller.get())) {
            throw invalidState();
        }
        IdTokens.Claims claims = exchange(provider, state, code);
        if (state.linkCustomerId() != null) {
            return new Finished(200, untilSettled(() -> link(tenantId, provider, claims, state.linkCustomerId(),
                    client)));
        }
        TenantSettings settings = tenants.settings(tenantId);
        Map<String, Object> failure = new HashMap<>();
        try {
            return untilSettled(() -> db.tx(h -> {
                requireStillEnabled(h, provider);
                return logIn(h, settings, provider, claims, guestCart, client, failure);
            }));
        } catch (ApiError refused) {
            if (refused.status() == 403 || refused.status() == 409) {
                audit.record(tenantId, (String) failure.get("customer_id"), AuditType.LOGIN_FAILED, client,
                        method(provider).recorded("reason", refused.code()));
            }
            throw refused;
        }
    }

    private Finished logIn(Handle h, TenantSettings settings, IdentityProvider provider, IdTokens.Claims claims,
                           GuestCart guestCart, ClientInfo client, Map<String, Object> failure) {
        String tenantId = provider.tenantId();
        var linked = store.findIdentity(h, tenantId, provider.id(), claims.subject());
        if (linked.isPresent()) {
            Customer customer = customers.lock(h, tenantId, linked.get().customerId()).orElseThrow();
            failure.put("customer_id", customer.id());
            if (!customer.mfaEnabled()) {
                // with a second factor the account's state is told only after it, as for a password
                customers.checkCanLogIn(settings, customer);
            }
            // a login refused below rolls this back with it
            store.markUsed(h, tenantId, linked.get().id(), now());
            return new Finished(200, admission.letIn(h, settings, customer, method(provider), guestCart, client));
        }
        String email = claims.email();
        if (!claims.emailVerified() || email == null || !EmailAddress.isValid(email)) {
            throw new ApiError(403, "email_not_verified", "The identity provider does not vouch for the account's "
                    + "email address (email_verified is not true), so no account can be opened with it.");
        }
        var existing = customers.lockByEmail(h, tenantId, email);
        if (existing.isPresent() && store.findIdentity(h, tenantId, provider.id(), claims.subject()).isPresent()) {
            // a callback for the same provider account opened and linked this account, committing between the first
            // lookup and the lock: now that it has committed, this is a returning login
            return logIn(h, settings, provider, claims, guestCart, client, failure);
        }
        if (existing.isPresent()) {
            failure.put("customer_id", existing.get().id());
            throw new ApiError(409, "account_exists", "An account with this email address exists already. Log in "
                    + "with its password (or an emailed code) and link " + provider.displayName()
                    + " from the account.");
        }
        // a provider's claims carry no marketing choice, so there is no confirmation to mail
        var registration = customers.register(h, tenantId, settings, EmailAddress.normalise(email), null,
                profileOf(claims), null, client);
        Customer customer = customers.markEmailVerified(h, registration.customer(), client);
        boolean logsIn = customer.status() == Customer.Status.ACTIVE;
        insertLink(h, provider, claims, customer.id(), logsIn, client);
        if (!logsIn) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("customer", CustomerView.of(customer, mapper));
            body.put("next_step", "await_activation");
            return new Finished(201, body);
        }
        return new Finished(201, admission.letIn(h, settings, customer, method(provider), guestCart, client));
    }

    /**
     * Runs a login or link that writes a provider account's link (and maybe a new customer) in one transaction. Two
     * callbacks for the same provider account at once (two tabs, a double click, a link racing a first login) both
     * find it unlinked; the unique index lets one commit and fails the other whole, customer and all. The loser runs
     * again and now finds the winner's link: it logs into that account, or is refused as any later attempt would be
     * ({@code identity_already_linked}, {@code account_exists}). Past {@link #RACE_ATTEMPTS} the answer is 409
     * {@code login_conflict}, never a 500.
     */
    private <T> T untilSettled(Supplier<T> attempt) {
        for (int tries = 1; ; tries++) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                if (!lostRace(e)) {
                    throw e;
                }
                if (tries == RACE_ATTEMPTS) {
                    throw new ApiError(409, "login_conflict", "Another login with this provider account was under "
                            + "way at the same time: start the login again.");
                }
            }
        }
    }

    /** The unique index of the links, or of the addresses when both callbacks opened an account for one address. */
    private static boolean lostRace(RuntimeException e) {
        return UniqueViolation.is(e) || e instanceof ApiError refused && "email_taken".equals(refused.code());
    }

    /**
     * A new account's profile from the ID token: each claim validated as registration validates its field, and
     * dropped when it fails (a provider's odd name or locale does not cost the shopper their login).
     */
    private ProfileInput profileOf(IdTokens.Claims claims) {
        ObjectNode fields = mapper.createObjectNode();
        keepIfValid(fields, "first_name", claims.givenName());
        keepIfValid(fields, "last_name", claims.familyName());
        keepIfValid(fields, "preferred_language", claims.locale());
        return ProfileInput.read(JsonInput.of(fields), mapper);
    }

    private void keepIfValid(ObjectNode fields, String field, String value) {
        if (value == null) {
            return;
        }
        JsonInput alone = JsonInput.of(mapper.createObjectNode().put(field, value));
        ProfileInput.read(alone, mapper);
        if (alone.valid()) {
            fields.put(field, value);
        }
    }

    /** How the login's records name it: by the provider, whose account proves one factor. */
    private static LoginAdmission.Method method(IdentityProvider provider) {
        return new LoginAdmission.Method(METHOD, Map.of("identity_provider_id", provider.id()), false);
    }

    private IdentityView link(String tenantId, IdentityProvider provider, IdTokens.Claims claims, String customerId,
                              ClientInfo client) {
        return db.tx(h -> {
            requireStillEnabled(h, provider);
            // the address may have changed since the start: checked again under the lock
            customers.lockOwn(h, tenantId, customerId).requireVerifiedEmail("linking a provider account");
            var linked = store.findIdentity(h, tenantId, provider.id(), claims.subject());
            if (linked.isPresent()) {
                if (!linked.get().customerId().equals(customerId)) {
                    throw new ApiError(409, "identity_already_linked", "This " + provider.displayName()
                            + " account is linked to another account of the shop.");
                }
                return view(linked.get(), provider);
            }
            return view(insertLink(h, provider, claims, customerId, false, client), provider);
        });
    }

    /**
     * {@code loggingIn}: the link is made by the login that opens the account, which is its first use. The provider's
     * row is locked and read again first: a merchant's disable or delete that got to it since the transaction's first
     * look commits before this reads it (404, as for a provider gone before), or waits until the link is committed, so
     * the delete takes the link along and never finds it referring to a deleted provider.
     */
    private OidcStore.Identity insertLink(Handle h, IdentityProvider provider, IdTokens.Claims claims,
                                          String customerId, boolean loggingIn, ClientInfo client) {
        store.findHeld(h, provider.tenantId(), provider.id()).filter(IdentityProvider::enabled)
                .orElseThrow(ApiErrors::providerNotFound);
        String email = claims.email() != null && claims.email().length() <= EmailAddress.MAX_LENGTH
                ? claims.email() : null;
        Instant now = now();
        var identity = new OidcStore.Identity(Secrets.id("ident"), customerId, provider.id(), claims.subject(), email,
                now, loggingIn ? now : null);
        store.insertIdentity(h, provider.tenantId(), identity);
        audit.record(h, provider.tenantId(), customerId, AuditType.IDENTITY_LINKED, client,
                Map.of("identity_id", identity.id(), "identity_provider_id", provider.id()));
        return identity;
    }

    /** The code exchanged at the token endpoint for an ID token, which is then checked. */
    private IdTokens.Claims exchange(IdentityProvider provider, OidcStore.State state, String code) {
        var metadata = directory.metadata(provider.issuer());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", state.redirectUri());
        form.put("code_verifier", state.codeVerifier());
        form.put("client_id", provider.clientId());
        JsonNode tokens = directory.exchange(metadata, provider.clientId(), providers.clientSecret(provider),
                Forms.of(form));
        if (!tokens.path("id_token").isTextual()) {
            throw ProviderDirectory.providerError("its token endpoint answered without an id_token.");
        }
        return idTokens.verify(tokens.path("id_token").asText(), kid -> directory.keys(metadata, kid),
                provider.issuer(), provider.clientId(), state.nonce(), clock.instant());
    }

    List<IdentityView> identities(String tenantId, String customerId) {
        return db.read(h -> identities(h, tenantId, customerId));
    }

    /** The merchant's view of a customer's links: 404 for an id the tenant does not have. */
    List<IdentityView> identitiesForMerchant(String tenantId, String customerId) {
        return db.read(h -> {
            customers.get(h, tenantId, customerId);
            return identities(h, tenantId, customerId);
        });
    }

    private List<IdentityView> identities(Handle h, String tenantId, String customerId) {
        Map<String, IdentityProvider> byId = new HashMap<>();
        store.list(h, tenantId).forEach(p -> byId.put(p.id(), p));
        return store.identitiesOf(h, tenantId, customerId).stream()
                .map(identity -> view(identity, byId.get(identity.providerId()))).toList();
    }

    /**
     * Unlinks one of the customer's provider accounts; 409 {@code last_sign_in_method} when the account would have
     * no way in left (see {@link WaysIn}: no password, no other link to an enabled provider, no passkey, no login
     * codes). A link to a disabled provider is no way in, and always goes.
     */
    void unlink(String tenantId, String customerId, String identityId, ClientInfo client) {
        unlink(tenantId, identityId, h -> customers.lockOwn(h, tenantId, customerId), Map.of(), client);
    }

    /** The merchant's unlink (support removing a link the shopper lost control of), by the shopper's rules. */
    void unlinkByMerchant(String tenantId, String customerId, String identityId, Actor actor, ClientInfo client) {
        unlink(tenantId, identityId, h -> customers.lockExisting(h, tenantId, customerId), actor.with(Map.of()),
                client);
    }

    private void unlink(String tenantId, String identityId, Function<Handle, Customer> lock, Map<String, Object> by,
                        ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        db.tx(h -> {
            Customer customer = lock.apply(h);
            var identities = store.identitiesOf(h, tenantId, customer.id());
            var identity = identities.stream().filter(i -> i.id().equals(identityId)).findFirst()
                    .orElseThrow(() -> ApiError.notFound("Identity"));
            // a link to a provider the shop has disabled is no way in, so removing it leaves every way there was
            if (store.find(h, tenantId, identity.providerId()).map(IdentityProvider::enabled).orElse(false)) {
                waysIn.requireAnotherWithout(h, settings, customer, WaysIn.Kind.PROVIDER_ACCOUNT);
            }
            delete(h, customer, identity, by, client);
            return null;
        });
    }

    /** See {@link SocialLogin#unlinkAll}. */
    boolean unlinkAll(Handle h, Customer customer, String reason, ClientInfo client) {
        var linked = store.identitiesOf(h, customer.tenantId(), customer.id());
        linked.forEach(identity -> delete(h, customer, identity, Map.of("reason", reason), client));
        return !linked.isEmpty();
    }

    private void delete(Handle h, Customer customer, OidcStore.Identity identity, Map<String, Object> by,
                        ClientInfo client) {
        store.deleteIdentity(h, customer.tenantId(), customer.id(), identity.id());
        Map<String, Object> data = new LinkedHashMap<>(by);
        data.put("identity_id", identity.id());
        data.put("identity_provider_id", identity.providerId());
        audit.record(h, customer.tenantId(), customer.id(), AuditType.IDENTITY_UNLINKED, client, data);
    }

    /**
     * The provider as the login's transaction finds it. The code exchange takes as long as the provider's token endpoint
     * makes it (seconds): a merchant who disabled or deleted the provider meanwhile, say because it was compromised,
     * must not see it log anyone in, nor a link to it written after it is gone. A plain read: a returning login writes
     * no link, and {@link #insertLink} locks the row before it writes one.
     */
    private void requireStillEnabled(Handle h, IdentityProvider provider) {
        store.find(h, provider.tenantId(), provider.id()).filter(IdentityProvider::enabled)
                .orElseThrow(ApiErrors::providerNotFound);
    }

    private IdentityProvider enabled(String tenantId, String slug) {
        return db.read(h -> store.findBySlug(h, tenantId, slug)).filter(IdentityProvider::enabled)
                .orElseThrow(ApiErrors::providerNotFound);
    }

    private static IdentityView view(OidcStore.Identity identity, IdentityProvider provider) {
        return new IdentityView(identity.id(), identity.providerId(), provider.slug(), provider.displayName(),
                identity.subject(), identity.email(), identity.createdAt(), identity.lastUsedAt());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static ApiError invalidState() {
        return new ApiError(400, "invalid_state", "The state is unknown, expired or used: start the login again.");
    }

    /** The PKCE S256 challenge of {@code verifier} (RFC 7636 4.2). */
    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
