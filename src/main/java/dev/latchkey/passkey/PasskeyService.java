package dev.latchkey.passkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.data.RegistrationData;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.RecentLogin;
import dev.latchkey.auth.Secrets;
import dev.latchkey.auth.TokenService;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.WaysIn;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import org.jdbi.v3.core.Handle;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A customer's passkeys: adding one (the registration ceremony), listing, renaming and removing them, and the
 * merchant's view and removal. Logging in with one is {@link PasskeyLogin}'s. Every ceremony's challenge is random
 * (32 bytes), kept only as its SHA-256, single use and alive {@link #CHALLENGE_TTL}.
 */
public final class PasskeyService {
    static final String REGISTRATION = "registration";
    static final String LOGIN = "login";
    /** WebAuthn's recommended ceremony timeout is 5 minutes (Level 3, 15.1); the challenge lives as long. */
    public static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);
    /** Passkeys one customer may hold: many devices and a few security keys, no unbounded rows. */
    public static final int MAX_PER_CUSTOMER = 20;
    public static final int MAX_NAME = 100;
    private static final int CHALLENGE_BYTES = 32;
    private static final int HANDLE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final TokenService sessions;
    private final WaysIn waysIn;
    private final CustomerMail mail;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Clock clock;
    final PasskeyStore store = new PasskeyStore();
    /**
     * Made on first use (the JVM initialises the holder then): webauthn4j brings a JSON and CBOR stack of its own,
     * whose classes a node that never sees a passkey should not load at start-up (time to first answer, memory).
     */
    private static final class Lazily {
        static final Ceremonies CEREMONIES = new Ceremonies();
    }

    Ceremonies ceremonies() {
        return Lazily.CEREMONIES;
    }

    public PasskeyService(Database db, TenantService tenants, CustomerService customers, TokenService sessions,
                          WaysIn waysIn, CustomerMail mail, AuditLog audit, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.sessions = sessions;
        this.waysIn = waysIn;
        this.mail = mail;
        this.audit = audit;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** A PublicKeyCredentialDescriptorJSON's content (WebAuthn Level 3, 5.8.3): a credential id, its transports. */
    record Descriptor(String credentialId, List<String> transports) {
    }

    /** How many passkeys a customer holds, for {@link WaysIn}: their store keeps no state of its own. */
    public static WaysIn.Held held() {
        return new PasskeyStore()::count;
    }

    /**
     * The tenant's settings when passkeys can be used: 403 {@code passkeys_disabled} when the merchant turned them
     * off, 409 {@code passkeys_not_configured} while no relying party id is set.
     */
    TenantSettings ready(String tenantId) {
        TenantSettings settings = tenants.settings(tenantId);
        if (!settings.passkeys()) {
            throw new ApiError(403, "passkeys_disabled", "This shop does not offer passkeys.");
        }
        if (settings.webauthnRpId() == null) {
            throw new ApiError(409, "passkeys_not_configured", "This shop has not set up passkeys yet: the merchant "
                    + "sets webauthn_rp_id (and webauthn_origins) first.");
        }
        return settings;
    }

    static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    /** A new challenge's options half: its value, stored by hash. */
    String newChallenge(Handle h, String tenantId, String id, String purpose, String customerId) {
        String challenge = Ceremonies.encode(random(CHALLENGE_BYTES));
        Instant now = clock.instant();
        store.insertChallenge(h, tenantId, new PasskeyStore.Challenge(id, purpose, Secrets.sha256(challenge),
                customerId), now, now.plus(CHALLENGE_TTL));
        return challenge;
    }

    /**
     * PublicKeyCredentialCreationOptionsJSON (WebAuthn Level 3, 5.4) for the logged-in customer: the shop as relying
     * party, the customer's random user handle, their passkeys as {@code excludeCredentials}, a discoverable credential
     * preferred and user verification required.
     */
    public ObjectNode registrationOptions(AccessToken token) {
        TenantSettings settings = ready(token.tenantId());
        RecentLogin.require(token, clock.instant(), "add a passkey");
        String shop = tenants.tenant(token.tenantId()).name();
        return db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            customer.requireVerifiedEmail("adding a passkey");
            String handle = store.userHandle(h, token.tenantId(), customer.id()).orElseGet(() -> {
                String fresh = Ceremonies.encode(random(HANDLE_BYTES));
                store.insertUserHandle(h, token.tenantId(), customer.id(), fresh);
                return fresh;
            });
            String challenge = newChallenge(h, token.tenantId(), Secrets.id("pkc"), REGISTRATION, customer.id());
            ObjectNode options = mapper.createObjectNode();
            options.putObject("rp").put("id", settings.webauthnRpId()).put("name", shop);
            options.putObject("user").put("id", handle).put("name", customer.email())
                    .put("displayName", customer.email());
            options.put("challenge", challenge);
            ArrayNode algorithms = options.putArray("pubKeyCredParams");
            Ceremonies.ALGORITHMS.forEach(alg -> algorithms.addObject().put("type", "public-key")
                    .put("alg", alg.getValue()));
            options.put("timeout", CHALLENGE_TTL.toMillis());
            descriptors(options.putArray("excludeCredentials"), store.credentials(h, token.tenantId(), customer.id())
                    .stream().map(PasskeyStore.Credential::descriptor).toList());
            options.putObject("authenticatorSelection").put("residentKey", "preferred")
                    .put("requireResidentKey", false).put("userVerification", "required");
            options.putArray("hints");
            options.put("attestation", "none");
            options.putObject("extensions").put("credProps", true);
            return wrap(null, options);
        });
    }

    /** The answer of an options route: {@code challenge_id} (logins only), the options, when they expire. */
    ObjectNode wrap(String challengeId, ObjectNode publicKey) {
        ObjectNode body = mapper.createObjectNode();
        if (challengeId != null) {
            body.put("challenge_id", challengeId);
        }
        body.set("public_key", publicKey);
        body.put("expires_in", CHALLENGE_TTL.toSeconds());
        return body;
    }

    static void descriptors(ArrayNode into, List<Descriptor> descriptors) {
        for (Descriptor d : descriptors) {
            ObjectNode descriptor = into.addObject().put("type", "public-key").put("id", d.credentialId());
            ArrayNode transports = descriptor.putArray("transports");
            d.transports().forEach(transports::add);
        }
    }

    /**
     * The browser's answer to {@link #registrationOptions}: the challenge in its client data must be a live one of
     * this customer (it is used up, whatever comes next), then the ceremony is verified and the passkey stored.
     * Recorded as {@code passkey.added}; the customer is mailed a notice. 400 {@code passkey_rejected} for an answer
     * that does not verify; 401 {@code invalid_token} when the asking session ended since its token was checked (a
     * logout, a password changed on another device, the merchant's revocation); 403 {@code email_not_verified} when
     * the address is no longer proven; 409 {@code passkey_exists}, {@code passkey_limit_reached}.
     */
    public Passkey register(AccessToken token, String credentialJson, String name, ClientInfo client) {
        TenantSettings settings = ready(token.tenantId());
        String tenantId = token.tenantId();
        Ceremonies.NewCredential verified;
        try {
            RegistrationData data = ceremonies().readRegistration(credentialJson);
            String hash = Secrets.sha256(Ceremonies.encode(Ceremonies.challenge(data)));
            boolean issued = db.tx(h -> store.takeRegistration(h, tenantId, token.customerId(), hash, clock.instant())
                    .isPresent());
            if (!issued) {
                throw new Ceremonies.Refused("unknown_challenge", "The challenge is unknown, expired, used, or not "
                        + "this customer's: ask for new options.");
            }
            verified = ceremonies().verifyRegistration(data, settings.webauthnRpId(), settings.passkeyOrigins());
        } catch (Ceremonies.Refused refused) {
            throw new ApiError(400, "passkey_rejected", refused.getMessage());
        }
        try {
            return db.tx(h -> add(h, token, verified, name, client));
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw exists();
            }
            throw e;
        }
    }

    private Passkey add(Handle h, AccessToken token, Ceremonies.NewCredential verified, String name,
                        ClientInfo client) {
        Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
        // a new way in only for a session that is still live: ending it (the account's lock first) waits for this
        sessions.requireUnended(h, token);
        // asked again under the lock: the merchant may have moved the account to an unproven address since the options
        customer.requireVerifiedEmail("adding a passkey");
        if (store.byCredentialId(h, token.tenantId(), verified.credentialId()).isPresent()) {
            throw exists();
        }
        if (store.count(h, token.tenantId(), customer.id()) >= MAX_PER_CUSTOMER) {
            throw new ApiError(409, "passkey_limit_reached", "An account holds at most " + MAX_PER_CUSTOMER
                    + " passkeys; remove one first.");
        }
        String id = Secrets.id("passkey");
        store.insert(h, token.tenantId(), new PasskeyStore.NewPasskey(id, customer.id(), verified.credentialId(),
                verified.credentialData(), verified.signCount(), verified.uvInitialized(), verified.backupEligible(),
                verified.backedUp(), verified.transports(), verified.aaguid(), name == null ? "Passkey" : name),
                clock.instant());
        audit.record(h, token.tenantId(), customer.id(), AuditType.PASSKEY_ADDED, client,
                Map.of("passkey_id", id, "session_id", token.sessionId()));
        mail.send(h, customer, customer.email(), MailTemplate.PASSKEY_ADDED_NOTICE, Map.of(), null);
        return store.find(h, token.tenantId(), customer.id(), id).orElseThrow();
    }

    private static ApiError exists() {
        return new ApiError(409, "passkey_exists", "This passkey is registered already.");
    }

    public List<Passkey> list(String tenantId, String customerId) {
        return db.read(h -> {
            customers.own(h, tenantId, customerId);
            return store.list(h, tenantId, customerId);
        });
    }

    /** The merchant's view: 404 for no such customer. */
    public List<Passkey> listForAdmin(String tenantId, String customerId) {
        return db.read(h -> {
            customers.get(h, tenantId, customerId);
            return store.list(h, tenantId, customerId);
        });
    }

    /** Renames one of the customer's passkeys; 404 for an id that is not theirs. */
    public Passkey rename(AccessToken token, String id, String name) {
        return db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            if (!store.rename(h, token.tenantId(), customer.id(), id, name)) {
                throw ApiError.notFound("Passkey");
            }
            return store.find(h, token.tenantId(), customer.id(), id).orElseThrow();
        });
    }

    /**
     * Removes one of the customer's passkeys ({@code passkey.removed}); 404 for an id that is not theirs, 409
     * {@code last_sign_in_method} when it is the account's last way in (see {@link WaysIn}).
     */
    public void delete(AccessToken token, String id, ClientInfo client) {
        TenantSettings settings = tenants.settings(token.tenantId());
        db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            if (store.find(h, token.tenantId(), customer.id(), id).isPresent()) {
                waysIn.requireAnotherWithout(h, settings, customer, WaysIn.Kind.PASSKEY);
            }
            remove(h, customer, id, client, Map.of("by", "customer", "session_id", token.sessionId()));
            return null;
        });
    }

    /**
     * The merchant's removal (a lost device, a support request); 404 for no such customer or passkey. Unlike the
     * shopper's, it may take a password-less account's last way in: a lost or stolen device must go at once, and the
     * shopper still gets in by a password reset, which mails the address a link to set one.
     */
    public void deleteByAdmin(String tenantId, String customerId, String id, Actor actor, ClientInfo client) {
        db.tx(h -> {
            Customer customer = customers.lockExisting(h, tenantId, customerId);
            remove(h, customer, id, client, actor.with(Map.of()));
            return null;
        });
    }

    /**
     * Every passkey of the customer goes, in the caller's transaction, each recorded as {@code passkey.removed} with
     * the {@code reason}: the address changed hands (see {@link dev.latchkey.customer.EarlierWaysIn}). Whether it had
     * any.
     */
    public boolean forgetAll(Handle h, Customer customer, String reason, ClientInfo client) {
        var held = store.list(h, customer.tenantId(), customer.id());
        held.forEach(passkey -> remove(h, customer, passkey.id(), client, Map.of("reason", reason)));
        return !held.isEmpty();
    }

    private void remove(Handle h, Customer customer, String id, ClientInfo client, Map<String, ?> data) {
        if (!store.delete(h, customer.tenantId(), customer.id(), id)) {
            throw ApiError.notFound("Passkey");
        }
        Map<String, Object> recorded = new HashMap<>(data);
        recorded.put("passkey_id", id);
        audit.record(h, customer.tenantId(), customer.id(), AuditType.PASSKEY_REMOVED, client, recorded);
    }

    /** An erasure step: the passkeys, the user handle and any pending challenge. */
    public void erase(Handle h, String tenantId, String customerId) {
        store.deleteAll(h, tenantId, customerId);
    }

    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.purgeExpired(h, tenantId, now);
    }
}
