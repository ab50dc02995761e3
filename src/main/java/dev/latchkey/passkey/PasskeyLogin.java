package dev.latchkey.passkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.data.AuthenticationData;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AuthResult;
import dev.latchkey.auth.LoginAdmission;
import dev.latchkey.auth.Secrets;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.SteadyAnswer;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Logging in with a passkey: request options (for one address's passkeys, or any discoverable one), then the
 * assertion, which opens the session through the {@link LoginAdmission} every login passes (lockout, the account's 403
 * answers, guest cart, the audit record). A passkey verified with user verification (a PIN or biometrics on the
 * device the key never leaves) is two factors in one: the login does not ask for the TOTP second factor.
 */
public final class PasskeyLogin {
    /** How a failure before the admission is recorded; the admission's records name the passkey too. */
    private static final LoginAdmission.Method BY_PASSKEY = new LoginAdmission.Method("passkey", Map.of(), true);

    private final Database db;
    private final PasskeyService passkeys;
    private final CustomerService customers;
    private final LoginAdmission admission;
    private final AuditLog audit;
    private final DecoyCredentials decoys;
    private final ObjectMapper mapper;
    private final Clock clock;

    public PasskeyLogin(Database db, PasskeyService passkeys, CustomerService customers, LoginAdmission admission,
                        AuditLog audit, DecoyCredentials decoys, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.passkeys = passkeys;
        this.customers = customers;
        this.admission = admission;
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

    /**
     * The login's admission, as every login's, with the passkey's counter moved under the account's lock in its
     * transaction: the counter and the session commit together.
     */
    private AuthResult admit(String tenantId, TenantSettings settings, PasskeyStore.Credential credential, long count,
                             AuthenticationData data, GuestCart guestCart, ClientInfo client) {
        LoginAdmission.Proof counted = (h, current) -> {
            boolean advanced = passkeys.store.used(h, tenantId, credential.id(), credential.signCount(), count,
                    data.getAuthenticatorData().isFlagBS(), clock.instant());
            // else another login with this passkey moved the counter meanwhile: one of two uses of one value
            return advanced ? null : "counter_regression";
        };
        var method = new LoginAdmission.Method(BY_PASSKEY.name(), Map.of("passkey_id", credential.id()), true);
        var attempt = admission.admit(tenantId, settings, credential.customerId(), method, counted, guestCart, client);
        if (attempt.admitted() instanceof AuthResult session) {
            return session;
        }
        String reason = LoginAdmission.ERASED.equals(attempt.failure()) ? "unknown_passkey" : attempt.failure();
        throw failed(tenantId, credential.customerId(), reason, client).error;
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
        audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client, BY_PASSKEY.recorded("reason", reason));
        return new Rejected(new ApiError(401, "invalid_credentials", "The passkey could not be verified for this "
                + "shop: ask for new options and try again, or log in another way."));
    }
}
