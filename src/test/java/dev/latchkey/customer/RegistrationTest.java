package dev.latchkey.customer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Fixtures.PASSWORD;
import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.Problems.fieldErrors;
import static org.assertj.core.api.Assertions.assertThat;

class RegistrationTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);

    private Api.Res register(Fixtures.Tenant t, Object body) {
        return api.post("/v1/customers").key(t.pk()).body(body).send();
    }

    private Api.Res register(Object body) {
        return register(tenant, body);
    }

    private Api.Res login(Fixtures.Tenant t, String email) {
        return api.post("/v1/auth/login").key(t.pk()).body(Map.of("email", email, "password", PASSWORD)).send();
    }

    @Test
    void registerWhenValidThenReturnsAuthResult() {
        String email = Fixtures.uniqueEmail();
        var res = register(Map.of("email", email, "password", PASSWORD, "first_name", "Ada", "last_name", "Lovelace"))
                .expect(201);

        assertThat(res.str("access_token")).startsWith("cust_");
        assertThat(res.str("access_token").substring(5)).hasSizeGreaterThanOrEqualTo(43);
        assertThat(res.str("refresh_token")).startsWith("rt_");
        assertThat(res.str("refresh_token").substring(3)).hasSizeGreaterThanOrEqualTo(43);
        assertThat(res.str("session_id")).startsWith("ses_");
        assertThat(res.str("token_type")).isEqualTo("Bearer");
        assertThat(res.body().path("expires_in").asLong()).isEqualTo(86400);
        assertThat(res.body().path("refresh_token_expires_in").asLong()).isEqualTo(2592000);
        assertThat(Instant.parse(res.str("expires_at"))).isAfter(Instant.now().plusSeconds(86000));
        assertThat(res.body().has("cart_id")).isTrue();
        assertThat(res.body().path("cart_id").isNull()).isTrue();
        assertThat(res.header("Cache-Control")).contains("no-store");

        JsonNode customer = res.body().path("customer");
        assertThat(customer.path("id").asText()).startsWith("cus_");
        assertThat(customer.path("email").asText()).isEqualTo(email);
        assertThat(customer.path("email_verified").asBoolean(true)).isFalse();
        assertThat(customer.path("status").asText()).isEqualTo("active");
        assertThat(customer.path("first_name").asText()).isEqualTo("Ada");
        assertThat(customer.path("last_name").asText()).isEqualTo("Lovelace");
        assertThat(customer.path("attributes").isObject()).isTrue();
        assertThat(customer.path("version").asLong()).isEqualTo(1);
        assertThat(customer.has("password")).isFalse();
        assertThat(customer.has("password_hash")).isFalse();
    }

    @Test
    void registerWhenTokensIssuedThenTheyWork() {
        var res = register(Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD)).expect(201);

        var me = api.get("/v1/me").key(tenant.pk()).bearer(res.str("access_token")).send().expect(200);
        assertThat(me.str("id")).isEqualTo(res.body().path("customer").path("id").asText());
    }

    @Test
    void registerWhenEmailHasSpacesAndCapitalsThenStoredTrimmedAndLowerCased() {
        String email = Fixtures.uniqueEmail();
        var res = register(Map.of("email", "  " + email.toUpperCase() + " ", "password", PASSWORD)).expect(201);

        assertThat(res.body().path("customer").path("email").asText()).isEqualTo(email);
        login(tenant, email).expect(200);
    }

    @Test
    void registerWhenEmailIsPaddedWithNoBreakOrZeroWidthSpacesThenTheyAreTrimmedAndLoginFindsIt() {
        String email = Fixtures.uniqueEmail();
        var res = register(Map.of("email", "\u00a0\u200b" + email + "\u2003\u3000", "password", PASSWORD)).expect(201);

        assertThat(res.body().path("customer").path("email").asText()).isEqualTo(email);
        login(tenant, email + "\u00a0").expect(200);
        register(Map.of("email", email + "\u202f", "password", PASSWORD)).expect(409, "email_taken");
    }

    @Test
    void registerWhenEmailTakenInAnotherCaseThenConflict() {
        String email = Fixtures.uniqueEmail();
        register(Map.of("email", email, "password", PASSWORD)).expect(201);

        register(Map.of("email", email.toUpperCase(), "password", "another password")).expect(409, "email_taken");
        login(tenant, email).expect(200);
    }

    @Test
    void registerWhenSameEmailInAnotherTenantThenAllowed() {
        String email = Fixtures.uniqueEmail();
        var other = Fixtures.tenant(api);
        register(Map.of("email", email, "password", PASSWORD)).expect(201);

        register(other, Map.of("email", email, "password", PASSWORD)).expect(201);
    }

    @Test
    void registerWhenConfirmationMatchesThenCreated() {
        register(Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD, "password_confirmation", PASSWORD))
                .expect(201);
    }

    @Test
    void registerWhenConfirmationNullThenReadAsAbsent() {
        var body = new java.util.HashMap<String, Object>(Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD));
        body.put("password_confirmation", null);
        register(body).expect(201);
    }

    @Test
    void registerWhenConfirmationDiffersThenMismatchAndNothingWritten() {
        String email = Fixtures.uniqueEmail();
        assertInvalid(register(Map.of("email", email, "password", PASSWORD, "password_confirmation", PASSWORD + "!")),
                "password_confirmation", "mismatch");

        register(Map.of("email", email, "password", PASSWORD)).expect(201);
    }

    @Test
    void registerWhenPasswordShorterThanTenantMinimumThenTooShort() {
        var strict = Fixtures.tenant(api, Map.of("password_min_length", 12));

        assertInvalid(register(strict, Map.of("email", Fixtures.uniqueEmail(), "password", "elevenchars")),
                "password", "too_short");
        register(strict, Map.of("email", Fixtures.uniqueEmail(), "password", "twelve-chars")).expect(201);
    }

    @Test
    void registerWhenPasswordSevenCharactersThenTooShortUnderDefaults() {
        assertInvalid(register(Map.of("email", Fixtures.uniqueEmail(), "password", "seven77")), "password", "too_short");
        register(Map.of("email", Fixtures.uniqueEmail(), "password", "kq8-zt4w")).expect(201);
    }

    @Test
    void registerWhenPasswordHas256CharactersThenAcceptedAndLoginWorks() {
        String email = Fixtures.uniqueEmail();
        String longPassword = "p4ssw0rd-".repeat(29).substring(0, 256);
        register(Map.of("email", email, "password", longPassword)).expect(201);

        api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", longPassword)).send()
                .expect(200);
    }

    @Test
    void registerWhenEmailAndPasswordMissingThenBothRequired() {
        var res = register(Map.of("first_name", "Ada")).expect(422, "validation_failed");

        assertThat(fieldErrors(res)).contains("email:required", "password:required");
    }

    @Test
    void registerWhenBodyEmptyThenBothRequired() {
        var res = api.post("/v1/customers").key(tenant.pk()).send().expect(422, "validation_failed");
        assertThat(fieldErrors(res)).contains("email:required", "password:required");
    }

    @Test
    void registerWhenFieldsHaveWrongTypesThenInvalidTypeForEach() {
        var res = register(Map.of("email", 5, "password", PASSWORD, "accepts_marketing", "yes",
                "attributes", List.of())).expect(422, "validation_failed");

        assertThat(fieldErrors(res)).contains("email:invalid_type", "accepts_marketing:invalid_type",
                "attributes:invalid_type");
    }

    @Test
    void registerWhenPasswordNotAStringThenInvalidType() {
        assertInvalid(register(Map.of("email", Fixtures.uniqueEmail(), "password", 12345678)), "password", "invalid_type");
    }

    @Test
    void registerWhenEmailInvalidThenRefused() {
        for (String email : List.of("not-an-email", "a@b", "two@@example.com", "spa ce@example.com", "@example.com",
                "a@b.example/path", "a..b@example.com", ".a@example.com", "a.@example.com", "\"quoted\"@example.com",
                "a@-example.com", "a@example-.com", "a@example..com", "a@example.123", "a@exa_mple.com",
                "j\u00f6rg@example.com", "x".repeat(65) + "@example.com", "a@" + "b".repeat(64) + ".com",
                // IDNA2008 allows a joiner only in a few scripts' contexts; IDNA2003 would drop it: another domain
                "a@ex\u200dample.com", "a@ex\u200cample.com", "a@stra\u00dfe\u200d.de",
                // hyphens in the third and fourth places are for encoded labels only
                "a@xn--\u00df.de", "a@ab--\u00df.de")) {
            assertInvalid(register(Map.of("email", email, "password", PASSWORD)), "email", "invalid");
        }
        String unique = Fixtures.uniqueEmail().replace("@example.com", "");
        for (String email : List.of("o'hara+" + unique + "@example.co.uk", "first.last." + unique + "@sub.example.com")) {
            register(Map.of("email", email, "password", PASSWORD)).expect(201);
        }
    }

    @Test
    void registerWhenDomainInternationalisedThenStoredInItsAsciiFormAndBothFormsAreOneAddress() {
        var res = register(Map.of("email", "ada@bücher.example", "password", PASSWORD)).expect(201);

        assertThat(res.body().path("customer").path("email").asText()).isEqualTo("ada@xn--bcher-kva.example");
        register(Map.of("email", "ada@xn--bcher-kva.example", "password", PASSWORD)).expect(409, "email_taken");
        login(tenant, "ada@BÜCHER.example").expect(200);
    }

    @Test
    void registerWhenDomainHoldsSharpSOrFinalSigmaThenEncodedAsTypedNotAsAnotherDomain() {
        String local = Fixtures.uniqueEmail().replace("@example.com", "");
        // the encodings are RFC 3492's, as Python's punycode codec writes them: IDNA2003 would give strasse.de
        var german = register(Map.of("email", local + "@stra\u00dfe.de", "password", PASSWORD)).expect(201);
        assertThat(german.body().path("customer").path("email").asText()).isEqualTo(local + "@xn--strae-oqa.de");
        register(Map.of("email", local + "@xn--strae-oqa.de", "password", PASSWORD)).expect(409, "email_taken");
        register(Map.of("email", local + "@STRA\u1e9eE.de", "password", PASSWORD)).expect(409, "email_taken");
        register(Map.of("email", local + "@strasse.de", "password", PASSWORD)).expect(201);
        var greek = register(Map.of("email", local + "@\u03c3\u03bf\u03c6\u03af\u03b1\u03c2.gr", "password", PASSWORD))
                .expect(201);
        assertThat(greek.body().path("customer").path("email").asText()).isEqualTo(local + "@xn--kxae4bobt.gr");
        // a capital sigma is σ wherever it stands (UTS #46, as Python's idna library maps it), never the final ς
        Map<String, String> capitals = Map.of("\u0392\u038c\u039b\u039f\u03a3-1.gr", "xn---1-e9b0buy4d.gr",
                "\u0392\u038c\u039b\u039f\u03a3.1x.gr", "xn--nxasmq6b.1x.gr", "x.\u0392\u038c\u039b\u039f\u03a3", "x.xn--nxasmq6b");
        capitals.forEach((typed, ascii) -> assertThat(register(Map.of("email", local + "@" + typed, "password",
                PASSWORD)).expect(201).body().path("customer").path("email").asText()).as(typed)
                .isEqualTo(local + "@" + ascii));
        login(tenant, local + "@stra\u00dfe.de").expect(200);
    }

    @Test
    void registerWhenEmailIsAFullWidthLookAlikeThenItIsTheSameAddress() {
        String email = Fixtures.uniqueEmail();
        register(Map.of("email", email, "password", PASSWORD)).expect(201);
        String fullWidth = email.chars().mapToObj(c -> c >= '!' && c <= '~' ? Character.toString(c - '!' + '\uff01')
                : Character.toString(c)).collect(java.util.stream.Collectors.joining());

        register(Map.of("email", fullWidth, "password", "another password")).expect(409, "email_taken");
        login(tenant, fullWidth).expect(200);
    }

    @Test
    void registerWhenReadOnlyFieldsGivenThenRefusedAndNothingWritten() {
        String email = Fixtures.uniqueEmail();
        var res = register(Map.of("email", email, "password", PASSWORD, "status", "active", "email_verified", true))
                .expect(422, "validation_failed");
        assertThat(fieldErrors(res)).anyMatch(e -> e.startsWith("status:")).anyMatch(e -> e.startsWith("email_verified:"));

        var created = register(Map.of("email", email, "password", PASSWORD)).expect(201);
        assertThat(created.body().path("customer").path("email_verified").asBoolean(true)).isFalse();
    }

    @Test
    void registerWhenTenantRequiresVerificationThenNextStepWithoutTokensAndLoginRefused() {
        var verifying = Fixtures.tenant(api, Map.of("require_email_verification", true));
        String email = Fixtures.uniqueEmail();

        var res = register(verifying, Map.of("email", email, "password", PASSWORD)).expect(201);

        assertThat(res.str("next_step")).isEqualTo("verify_email");
        assertThat(res.body().path("customer").path("email").asText()).isEqualTo(email);
        assertThat(res.body().has("access_token")).isFalse();
        assertThat(res.body().has("refresh_token")).isFalse();
        login(verifying, email).expect(403, "email_not_verified");
    }

    @Test
    void registerWhenTenantRequiresActivationThenPendingAndLoginRefused() {
        var activating = Fixtures.tenant(api, Map.of("require_activation", true));
        String email = Fixtures.uniqueEmail();

        var res = register(activating, Map.of("email", email, "password", PASSWORD)).expect(201);

        assertThat(res.str("next_step")).isEqualTo("await_activation");
        assertThat(res.body().path("customer").path("status").asText()).isEqualTo("pending_activation");
        assertThat(res.body().has("access_token")).isFalse();
        login(activating, email).expect(403, "account_pending_activation");
    }

    @Test
    void loginWhenAccountPendingButPasswordWrongThenInvalidCredentials() {
        var activating = Fixtures.tenant(api, Map.of("require_activation", true));
        String email = Fixtures.uniqueEmail();
        register(activating, Map.of("email", email, "password", PASSWORD)).expect(201);

        api.post("/v1/auth/login").key(activating.pk()).body(Map.of("email", email, "password", "wrong password"))
                .send().expect(401, "invalid_credentials");
    }

    @Test
    void registerWhenApiKeyMissingOrUnknownThenInvalidApiKey() {
        var body = Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD);
        assertThat(api.post("/v1/customers").body(body).send().expect(401, "invalid_api_key").header("WWW-Authenticate"))
                .isEqualTo("ApiKey header=\"X-Api-Key\"");
        api.post("/v1/customers").key("pk_" + "x".repeat(43)).body(body).send().expect(401, "invalid_api_key");
    }

    @Test
    void registerWhenSecretKeyThenAllowed() {
        api.post("/v1/customers").key(tenant.sk()).body(Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD))
                .send().expect(201);
    }

    @Test
    void registerWhenJsonMalformedThenBadRequest() {
        register("{\"email\": \"a@example.com\", ").expect(400, "malformed_json");
        register("not json at all").expect(400, "malformed_json");
        register("[{\"email\": \"a@example.com\"}]").expect(400, "malformed_json");
    }

    @Test
    void registerWhenProfileFieldsGivenThenStoredNormalised() {
        var res = register(Bodies.of("email", Fixtures.uniqueEmail(), "password", PASSWORD,
                "preferred_currency", "eur", "accepts_marketing", true, "attributes", Map.of("tier", "gold"),
                "phone", "+49 30 1234567", "company", null)).expect(201);

        JsonNode customer = res.body().path("customer");
        assertThat(customer.path("preferred_currency").asText()).isEqualTo("EUR");
        assertThat(customer.path("accepts_marketing").asBoolean()).isTrue();
        assertThat(customer.path("accepts_marketing_updated_at").isNull()).isFalse();
        assertThat(customer.path("attributes").path("tier").asText()).isEqualTo("gold");
        assertThat(customer.path("phone").asText()).isEqualTo("+49 30 1234567");
        assertThat(customer.path("company").isNull()).isTrue();
    }

    @Test
    void registerWhenSameEmailConcurrentlyThenExactlyOneCreatedOthersConflict() {
        String email = Fixtures.uniqueEmail();

        List<Integer> statuses = Concurrently.statuses(8,
                () -> register(Map.of("email", email, "password", PASSWORD)));

        assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    }

    @Test
    void registerWhenConfirmationEmptyThenMismatch() {
        assertInvalid(register(Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD, "password_confirmation", "")),
                "password_confirmation", "mismatch");
    }

    @Test
    void registerWhenEmailContainsNulCharacterThenInvalid() {
        assertInvalid(register(Map.of("email", "a\0b@example.com", "password", PASSWORD)), "email", "invalid");
    }

    @Test
    void registerWhenNameContainsNulCharacterThenClientErrorNotServerError() {
        var res = register(Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD, "first_name", "Ada\0Eve"));

        assertThat(res.status()).as("status of %s", res.raw()).isIn(201, 422);
    }
}
