package dev.latchkey.passkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.data.AuthenticationData;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AuthResult;
import dev.latchkey.auth.LoginCompletion;
import dev.latchkey.auth.Secrets;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.SteadyAnswer;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Logging in with a passkey: request options (for one address's passkeys, or any discoverable one), then the
 * assertion, which opens the session through {@link LoginCompletion} as every login does (guest cart, lockout, the
 * account's 403 answers, the audit record). A passkey verified with user verification (a PIN or biometrics on the
 * device the key never leaves) is two factors in one: the login does not ask for the TOTP second factor.
 */
public final class PasskeyLogin {
    private static final Map<String, String> BY_PASSKEY = Map.of("method", "passkey");

    /** How the login's last transaction ended: a session, a failure's reason, or the account's 403. */
    private record Admission(AuthResult admitted, String failure, ApiError refused) {
    }

    private final Database db;
    private final PasskeyService passkeys;
    private final CustomerService customers;
    private final LoginCompletion completion;
    private final LockoutService lockout;
    private final AuditLog audit;
    private final DecoyCredentials decoys;
    private final ObjectMapper mapper;
    private final Clock clock;

    public PasskeyLogin(Database db, PasskeyService passkeys, CustomerService customers, LoginCompletion completion,
                        LockoutService lockout, AuditLog audit, DecoyCredentials decoys, ObjectMapper mapper,
                        Clock clock) {
        this.db = db;
        this.passkeys = passkeys;
        this.customers = customers;
        this.completion = completion;
        this.lockout = lockout;
        this.audit = audit;
        this.decoys = decoys;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * {@code challenge_id} and PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3, 5.5). Without an address,
     * {@code allowCredentials} is empty: the browser offers the shopper's discoverable passkeys for the site. With one,
     * it lists that account's passkeys; an address without an account or without passkeys gets its
     * {@link DecoyCredentials}, the same at every request, so that the answer does not tell it from one with passkeys.
     * The answer comes no sooner than {@link SteadyAnswer#FLOOR} after the work began, so its time tells nothing either.
     */
    public ObjectNode options(String tenantId, String email) {
        TenantSettings settings = passkeys.ready(tenantId);
        if (email == null) {
            return db.tx(h -> options(h, tenantId, settings, List.of()));
        }
        return SteadyAnswer.call(() -> db.tx(h -> {
            Optional<Customer> customer = customers.findByEmail(h, tenantId, email);
            // the same query for an unknown address, one that finds nothing
            List<PasskeyService.Descriptor> held = passkeys.store.credentials(h, tenantId,
                    customer.map(Customer::id).orElse("")).stream().map(PasskeyStore.Credential::descriptor).toList();
            return options(h, tenantId, settings, held.isEmpty() ? decoys.of(tenantId, email) : held);
        }));
    }

    private ObjectNode options(org.jdbi.v3.core.Handle h, String tenantId, TenantSettings settings,
                               List<PasskeyService.Descriptor> allowed) {
        String id = Secrets.id("pkc");
        String challenge = passkeys.newChallenge(h, tenantId, id, PasskeyService.LOGIN, null);
        ObjectNode options = mapper.createObjectNode();
        options.put("challenge", challenge);
        options.put("timeout", PasskeyService.CHALLENGE_TTL.toMillis());
        options.put("rpId", settings.webauthnRpId());
        PasskeyService.descriptors(options.putArray("allowCredentials"), allowed);
        options.put("userVerification", "required");
        options.putArray("hints");
        return passkeys.wrap(id, options);
    }

    /**
     * The assertion for the options of {@code challengeId}, which it uses up whatever the answer. Anything wrong (an
     * unknown, expired or used challenge, an unknown passkey, a signature, origin, rp id or flag that does not verify,
     * a counter that went back, a locked account) is 401 {@code invalid_credentials}, recorded as {@code login.failed}
     * with {@code method: passkey} and the reason. A failed assertion does not count toward the lockout: it guesses
     * nothing. After a verified one, the account's state answers as at a password login (403).
     */
    public AuthResult login(String tenantId, String challengeId, String credentialJson, GuestCart guestCart,
                            ClientInfo client) {
        TenantSettings settings = passkeys.ready(tenantId);
        PasskeyStore store = passkeys.store;
        Optional<PasskeyStore.Challenge> challenge = db.tx(h -> store.takeLogin(h, tenantId, challengeId,
                clock.instant()));
        AuthenticationData data;
        PasskeyStore.Credential credential;
        long count;
        String ownerId = null;
        try {
            data = passkeys.ceremonies().readAssertion(credentialJson);
            credential = db.read(h -> store.byCredentialId(h, tenantId, Ceremonies.encode(data.getCredentialId())))
                    .orElse(null);
            if (credential == null) {
                throw failed(tenantId, null, "unknown_passkey", client);
            }
            ownerId = credential.customerId();
            String presented = Secrets.sha256(Ceremonies.encode(Ceremonies.challenge(data)));
            if (challenge.isEmpty() || !Secrets.constantTimeEquals(presented, challenge.get().challengeHash())) {
                throw failed(tenantId, credential.customerId(), "unknown_challenge", client);
            }
            if (data.getUserHandle() != null && !db.read(h -> store.customerOfHandle(h, tenantId,
                    Ceremonies.encode(data.getUserHandle()))).map(credential.customerId()::equals).orElse(false)) {
                throw failed(tenantId, credential.customerId(), "wrong_user_handle", client);
            }
            count = passkeys.ceremonies().verifyAssertion(data, credential, settings.webauthnRpId(),
                    settings.passkeyOrigins());
        } catch (Ceremonies.Refused refused) {
            throw failed(tenantId, ownerId, refused.reason(), client).error;
        } catch (Rejected rejected) {
            throw rejected.error;
        }
        return admit(tenantId, settings, credential, count, data, guestCart, client);
    }

    private AuthResult admit(String tenantId, TenantSettings settings, PasskeyStore.Credential credential, long count,
                             AuthenticationData data, GuestCart guestCart, ClientInfo client) {
        Admission admission = db.tx(h -> {
            var locked = customers.lock(h, tenantId, credential.customerId(), LockoutStore::state).orElse(null);
            if (locked == null) {
                return new Admission(null, "unknown_passkey", null);
            }
            if (!passkeys.store.used(h, tenantId, credential.id(), credential.signCount(), count,
                    data.getAuthenticatorData().isFlagBS(), clock.instant())) {
                // another login with this passkey moved the counter meanwhile: one of two uses of one value
                return new Admission(null, "counter_regression", null);
            }
            if (lockout.attemptWithCorrectPassword(h, tenantId, settings, credential.customerId(), locked.alongside())
                    != LockoutService.Verdict.ALLOWED) {
                return new Admission(null, "locked", null);
            }
            Customer customer = locked.customer();
            try {
                customers.checkCanLogIn(settings, customer);
            } catch (ApiError refused) {
                return new Admission(null, null, refused);
            }
            AuthResult result = completion.open(h, settings, customer, guestCart, client);
            audit.record(h, tenantId, customer.id(), AuditType.LOGIN_SUCCEEDED, client, Map.of("session_id",
                    result.sessionId(), "method", "passkey", "passkey_id", credential.id()));
            return new Admission(result, null, null);
        });
        if (admission.admitted() != null) {
            return admission.admitted();
        }
        if (admission.refused() != null) {
            audit.record(tenantId, credential.customerId(), AuditType.LOGIN_FAILED, client,
                    with(admission.refused().code(), credential.id()));
            throw admission.refused();
        }
        throw failed(tenantId, credential.customerId(), admission.failure(), client).error;
    }

    /** A refusal on its way out of the verification, already recorded. */
    private static final class Rejected extends RuntimeException {
        private final ApiError error;

        Rejected(ApiError error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    private Rejected failed(String tenantId, String customerId, String reason, ClientInfo client) {
        audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client, with(reason, null));
        return new Rejected(new ApiError(401, "invalid_credentials", "The passkey could not be verified for this "
                + "shop: ask for new options and try again, or log in another way."));
    }

    private static Map<String, String> with(String reason, String passkeyId) {
        Map<String, String> data = new HashMap<>(BY_PASSKEY);
        data.put("reason", reason);
        if (passkeyId != null) {
            data.put("passkey_id", passkeyId);
        }
        return data;
    }
}
