package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimitSettings;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.FakeOidcProvider;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.OpenApiContract;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.SoftAuthenticator;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the sweeps over api/openapi.yaml need: a tenant with an owner, a shopper, and one object of this tenant for each
 * kind of id a path names, so that no answer is a 401 or 404 instead of one about the input swept. A second world is a
 * second tenant holding the same objects, and a passkey and a linked identity besides, whose ids the parameter sweep
 * sends with the first one's credentials.
 */
public final class SweepWorld {
    static final JsonNode DOCUMENT = OpenApiContract.shared().document();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NEW_PASSWORD = "another correct horse battery staple";
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    /** The storefront of the second tenant, the one origin it allows: its passkey's and its provider login's. */
    private static final String STOREFRONT = "https://shop.example.com";

    public final Api api;
    public final StaffFixtures.Shop shop;
    public final String ownerToken;
    public final Fixtures.Shopper shopper;
    /** Of a second session of the shopper: a refresh that slipped through would not end the one the sweep uses. */
    public final String refreshToken;
    public final String anonymousRefreshToken;
    public final String sessionId;
    public final String addressId;
    public final String cartId;
    public final String orderNumber;
    public final String orderToken;
    /**
     * Created by the merchant for the admin routes, so their sweep leaves the shopper alone; in the second tenant's
     * world, whose routes nobody sweeps, the shopper: its passkey and identity read back at both kinds of route.
     */
    public final String customerId;
    /** An address of {@code customerId}'s book, for the merchant's address routes. */
    public final String customerAddressId;
    public final String supportId;
    /** One webhook for the PATCH sweep, another for the secret's, whose rotations change it. */
    public final String webhookId;
    public final String rotatedWebhookId;
    /** Of an identity provider nobody answers for: every case is refused before the provider is called. */
    public final String identityProviderId;
    public final String agentId;
    public final String apiKeyId;
    public final String importId;
    /**
     * In the second tenant's world, the shopper's passkey and linked identity. The first tenant allows no origin (the
     * body sweep's provider start relies on that), so none can be made there: made-up ids, which every case refuses
     * before it looks them up or answers with the 404 of an unknown one.
     */
    public final String passkeyId;
    public final String identityId;

    public SweepWorld(Api api) {
        this(api, null);
    }

    /**
     * The second tenant, whose ids the parameter sweep tries: its storefront's origin allowed, passkeys set up for it,
     * and a shopper who added a passkey and linked an account of a provider that issues its tokens by {@code clock}
     * (the server's).
     */
    public static SweepWorld holdingAPasskeyAndAnIdentity(Api api, Clock clock) {
        return new SweepWorld(api, clock);
    }

    private SweepWorld(Api api, Clock providerClock) {
        this.api = api;
        shop = StaffFixtures.shop(api);
        ownerToken = StaffFixtures.ownerToken(api, shop);
        shopper = Fixtures.shopper(api, shop.tenant());
        refreshToken = Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password()).refreshToken();
        anonymousRefreshToken = api.post("/v1/anonymous").key(pk()).send().expect(201).str("refresh_token");
        sessionId = api.get("/v1/me/sessions").as(shopper).send().expect(200).body().path("data").get(0).path("id")
                .asText();
        addressId = Fixtures.address(api, shopper).path("id").asText();
        cartId = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
        // the shopper's, for their own view of it
        Map<String, Object> orderBody = new HashMap<>(valid("POST /v1/admin/orders"));
        orderBody.put("customer_id", shopper.customerId());
        Api.Res order = api.post("/v1/admin/orders").bearer(sk()).body(orderBody).send().expect(201);
        orderNumber = order.str("number");
        orderToken = order.str("order_token");
        customerId = providerClock != null ? shopper.customerId() : api.post("/v1/admin/customers").bearer(sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201)
                .str("id");
        customerAddressId = providerClock != null ? addressId : api.post("/v1/admin/customers/" + customerId
                + "/addresses").bearer(sk()).body(valid("POST /v1/admin/customers/{id}/addresses")).send().expect(201)
                .str("id");
        supportId = api.post("/v1/admin/staff").bearer(sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "role", "support"))
                .send().expect(201).str("id");
        webhookId = webhook();
        rotatedWebhookId = webhook();
        identityProviderId = api.post("/v1/admin/identity-providers").bearer(sk())
                .body(valid("POST /v1/admin/identity-providers")).send().expect(201).str("id");
        agentId = api.post("/v1/me/agents").as(shopper).body(valid("POST /v1/me/agents")).send().expect(201)
                .str("id");
        apiKeyId = api.post("/v1/admin/api-keys").bearer(sk()).body(valid("POST /v1/admin/api-keys")).send()
                .expect(201).str("id");
        importId = api.post("/v1/admin/customers/imports").bearer(sk()).header("Content-Type", "text/csv")
                .body(importFile()).send().expect(202).str("id");
        // ended, so that the job reads the same before and after a case
        Await.until(() -> api.get("/v1/admin/customers/imports/" + importId).bearer(sk()).send().expect(200)
                .str("finished_at") != null, 30_000, "import " + importId + " ended");
        if (providerClock == null) {
            passkeyId = "passkey_sweep";
            identityId = "ident_sweep";
        } else {
            api.patch("/v1/admin/settings").bearer(sk()).body(Map.of("allowed_origins", List.of(STOREFRONT),
                    "webauthn_rp_id", URI.create(STOREFRONT).getHost())).send().expect(200);
            passkeyId = passkey();
            identityId = linkedIdentity(providerClock);
        }
    }

    /** A passkey of the shopper, added with a software authenticator at the storefront. */
    private String passkey() {
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(sk()).body(Map.of("email_verified", true))
                .send().expect(200);
        JsonNode options = api.post("/v1/me/passkeys/options").as(shopper).send().expect(200).body()
                .path("public_key");
        Map<String, Object> credential = SoftAuthenticator.create().register(options,
                SoftAuthenticator.from(STOREFRONT));
        return api.post("/v1/me/passkeys").as(shopper).body(Map.of("credential", credential, "name", "Phone")).send()
                .expect(201).str("id");
    }

    /** An account at a provider on loopback, linked by the shopper; the provider is needed no more once it is. */
    private String linkedIdentity(Clock clock) {
        try (FakeOidcProvider provider = FakeOidcProvider.start(clock)) {
            api.post("/v1/admin/identity-providers").bearer(sk()).body(Map.of("slug", "linked",
                    "display_name", "Linked ID", "issuer", provider.issuer(), "client_id", "sweep",
                    "client_secret", "s3cret")).send().expect(201);
            Api.Res start = api.post("/v1/auth/oidc/linked/start").as(shopper)
                    .body(Map.of("redirect_uri", STOREFRONT + "/oidc/callback", "link", true)).send().expect(200);
            Map<String, String> authorization = FakeOidcProvider.query(start.str("authorization_url"));
            String code = provider.authorize(authorization, provider.signRs256(provider.claims(authorization,
                    "sub-" + shopper.customerId(), shopper.email(), true)));
            return api.post("/v1/auth/oidc/linked/callback").as(shopper).body(Map.of("state", start.str("state"),
                    "binding", start.str("binding"), "code", code)).send().expect(200).str("id");
        }
    }

    /**
     * A refusal of the input swept: a 4xx problem with a code (the client has checked that the operation documents
     * it), none of {@code notAbout}, which show the request was turned away before the input was looked at; a 422
     * names only what {@code namesIt} accepts.
     */
    static void refused(Api.Res res, Set<String> notAbout, Predicate<String> namesIt) {
        assertThat(res.status()).as("status of %s", res.raw()).isBetween(400, 499);
        assertThat(res.header("Content-Type")).as("type of %s", res.raw()).startsWith("application/problem+json");
        assertThat(res.code()).as("code of %s", res.raw()).isNotBlank().isNotIn(notAbout);
        if (res.code().equals("validation_failed")) {
            assertThat(Problems.fieldErrors(res)).as("errors of %s", res.raw()).isNotEmpty().allMatch(namesIt);
        }
    }

    /** The limiter still runs on every hostile request, but a 429 would hide what the request itself did. */
    public static Map<String, String> generousRateLimits() {
        Map<String, String> env = new HashMap<>();
        for (LimitedAction action : LimitedAction.values()) {
            env.put(RateLimitSettings.envName(action, true), "1000000/1h");
            env.put(RateLimitSettings.envName(action, false), "1000000/1h");
        }
        return env;
    }

    static JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = DOCUMENT.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    private String webhook() {
        return api.post("/v1/admin/webhooks").bearer(sk()).body(valid("POST /v1/admin/webhooks")).send()
                .expect(201).str("id");
    }

    /** A customer file of one new customer, for the import routes. */
    public static byte[] importFile() {
        return ("Email\n" + Fixtures.uniqueEmail() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    String pk() {
        return shop.tenant().pk();
    }

    public String sk() {
        return shop.tenant().sk();
    }

    /** The path with real ids of this tenant in place of its parameters. */
    String path(String template) {
        return path(template, "", "");
    }

    /** The path with real ids of this tenant, but {@code value} (as it goes on the wire) for {@code name}. */
    String path(String template, String name, String value) {
        Matcher parameter = PATH_PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String param = parameter.group(1);
            parameter.appendReplacement(path, Matcher.quoteReplacement(param.equals(name) ? value
                    : pathValue(template, param)));
        }
        return parameter.appendTail(path).toString();
    }

    /** This tenant's value of the path parameter {@code name} of {@code template}: an object it holds. */
    String pathValue(String template, String name) {
        return switch (name) {
            case "sku" -> "SWEEP-1";
            case "number" -> orderNumber;
            case "template" -> "verify_email";
            case "language" -> "en";
            case "slug" -> "sweep";
            case "sid" -> sessionId;
            case "iid" -> identityId;
            case "pid" -> passkeyId;
            case "aid" -> customerAddressId;
            case "id" -> id(template.substring(0, template.indexOf("{id}")));
            default -> throw new AssertionError("a real value for {" + name + "} of " + template
                    + ": add it to SweepWorld.pathValue");
        };
    }

    private String id(String owner) {
        return switch (owner) {
            case "/v1/platform/tenants/" -> shop.id();
            case "/v1/carts/" -> cartId;
            case "/v1/me/addresses/" -> addressId;
            case "/v1/me/sessions/" -> sessionId;
            case "/v1/me/agents/" -> agentId;
            case "/v1/me/passkeys/" -> passkeyId;
            case "/v1/me/identities/" -> identityId;
            case "/v1/admin/customers/imports/" -> importId;
            case "/v1/admin/customers/" -> customerId;
            case "/v1/admin/staff/" -> supportId;
            case "/v1/admin/webhooks/" -> webhookId;
            case "/v1/admin/identity-providers/" -> identityProviderId;
            case "/v1/admin/api-keys/" -> apiKeyId;
            default -> throw new AssertionError("a real id for the paths under " + owner
                    + ": add it to SweepWorld.id");
        };
    }

    /**
     * A body the operation accepts (or, for an emailed token, refuses only for the token), fresh for each case.
     * Each case spoils one property of it, so that a refusal can only be about that property. No operation needs
     * skipping: the ones that take an emailed token check every field before they look the token up.
     */
    Map<String, Object> valid(String operation) {
        return switch (operation) {
            case "POST /v1/platform/tenants" -> Bodies.of("id", Fixtures.uniqueId("t"), "name", "Sweep Shop",
                    "settings", Map.of("cart_merge_strategy", "merge"),
                    "owner", Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD));
            case "PATCH /v1/admin/settings" -> Bodies.of("cart_merge_strategy", "merge");
            // the status the tenant has: a case the sweep lets through changes nothing the rest relies on
            case "PATCH /v1/platform/tenants/{id}" -> Bodies.of("status", "active");
            case "POST /v1/anonymous/refresh" -> Bodies.of("refresh_token", anonymousRefreshToken);
            case "POST /v1/customers" -> Bodies.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD,
                    "password_confirmation", Fixtures.PASSWORD, "first_name", "Ada");
            case "POST /v1/auth/login" -> Bodies.of("email", shopper.email(), "password", shopper.password());
            case "POST /v1/auth/refresh" -> Bodies.of("refresh_token", refreshToken);
            case "PATCH /v1/me", "PATCH /v1/me/addresses/{id}", "PATCH /v1/admin/customers/{id}",
                 "PATCH /v1/admin/customers/{id}/addresses/{aid}",
                 "POST /v1/admin/customers/{id}/verification", "POST /v1/admin/customers/{id}/password-reset",
                 "POST /v1/admin/customers/{id}/impersonation" ->
                    Bodies.of();
            case "POST /v1/admin/customers/{id}/tags" -> Bodies.of("add", List.of("sweep"));
            case "POST /v1/admin/customers/bulk" -> Bodies.of("ids", List.of(customerId), "add_tags",
                    List.of("sweep"));
            // never sent as it is; a merge it let through would erase the customer named
            case "POST /v1/admin/customers/{id}/merge" -> Bodies.of("source_id", "cus_sweep_none");
            case "PUT /v1/carts/{id}/items/{sku}" -> Bodies.of("quantity", 1);
            case "POST /v1/admin/orders" -> Bodies.of("number", Fixtures.uniqueId("R"), "email",
                    Fixtures.uniqueEmail(), "status", "paid", "currency", "EUR", "total", "19.99",
                    "lines", List.of(Map.of("sku", "SKU-1", "name", "Mug", "quantity", 1, "unit_price", "19.99")),
                    "placed_at", "2026-05-08T13:00:00Z");
            case "PATCH /v1/admin/orders/{number}" -> Bodies.of("status", "paid");
            case "POST /v1/me/addresses", "POST /v1/admin/customers/{id}/addresses" -> Bodies.of("first_name", "Ada", "line1", "Unter den Linden 1",
                    "city", "Berlin", "postal_code", "10117", "country", "DE");
            case "POST /v1/me/addresses/{id}/default", "POST /v1/admin/customers/{id}/addresses/{aid}/default" ->
                    Bodies.of("type", "shipping");
            case "POST /v1/me/agents" -> Bodies.of("name", "Shopping assistant", "scope", List.of("cart:read"),
                    "expires_in", 3600, "password", shopper.password());
            // no mailed token is needed: every field is checked before the token is looked up
            case "POST /v1/auth/verify-email" -> Bodies.of("token", fakeEmailedToken(), "email", shopper.email());
            case "POST /v1/auth/verify-email/resend", "POST /v1/auth/password/forgot", "POST /v1/auth/login/code" ->
                    Bodies.of("email", shopper.email());
            // a code of the right form: every field is checked before the account's code is looked at
            case "POST /v1/auth/login/code/verify" -> Bodies.of("email", shopper.email(), "code", "000000");
            case "POST /v1/auth/password/reset" -> Bodies.of("token", fakeEmailedToken(),
                    "new_password", NEW_PASSWORD, "new_password_confirmation", NEW_PASSWORD);
            case "POST /v1/auth/email/confirm", "POST /v1/marketing/confirm" -> Bodies.of("token", fakeEmailedToken());
            // no login waits behind this token: every field is checked before it is looked up
            case "POST /v1/auth/mfa" -> Bodies.of("mfa_token", "mfa_" + "A".repeat(43), "code", "123456");
            case "POST /v1/me/mfa/totp" -> Bodies.of("password", shopper.password());
            case "POST /v1/me/mfa/totp/confirm" -> Bodies.of("code", "123456");
            case "POST /v1/me/mfa/disable", "POST /v1/me/mfa/recovery-codes" ->
                    Bodies.of("password", shopper.password(), "code", "123456");
            case "POST /v1/me/password", "POST /v1/admin/staff/password" ->
                    Bodies.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD);
            case "POST /v1/me/email" -> Bodies.of("new_email", Fixtures.uniqueEmail(), "password",
                    shopper.password());
            case "PUT /v1/admin/mail-templates/{template}/{language}" -> Bodies.of("subject", "Confirm your email",
                    "text", "Confirm your email: {{link}}", "html", "<p><a href=\"{{link}}\">Confirm</a></p>");
            case "POST /v1/admin/customers" -> Bodies.of("email", Fixtures.uniqueEmail(), "password",
                    Fixtures.PASSWORD, "first_name", "Grace", "status", "active");
            case "POST /v1/admin/api-keys" -> Bodies.of("kind", "secret", "scopes", List.of("view_customers"));
            case "POST /v1/admin/staff/login" -> Bodies.of("tenant_id", shop.id(), "email", shop.ownerEmail(),
                    "password", shop.ownerPassword());
            // no login waits behind this token: every field is checked before it is looked up
            case "POST /v1/admin/staff/login/mfa" -> Bodies.of("tenant_id", shop.id(), "mfa_token",
                    "mfa_" + "A".repeat(43), "code", "123456");
            case "POST /v1/admin/staff" -> Bodies.of("email", Fixtures.uniqueEmail(), "password",
                    Fixtures.PASSWORD, "role", "support");
            case "POST /v1/admin/staff/{id}/password" -> Bodies.of("new_password", NEW_PASSWORD);
            case "POST /v1/admin/identity-providers" -> Bodies.of("slug", "sweep", "display_name", "Sweep ID",
                    "issuer", "http://127.0.0.1:9/sweep", "client_id", "sweep", "client_secret", "s3cret");
            case "PATCH /v1/admin/identity-providers/{id}" -> Bodies.of();
            // the shop allows no origin: a body that gets past its fields is refused for it, before any call out
            case "POST /v1/auth/oidc/{slug}/start" -> Bodies.of("redirect_uri", "https://shop.example/cb");
            // no login waits behind this state: every field is checked before it is looked up
            case "POST /v1/auth/oidc/{slug}/callback" -> Bodies.of("state", "ost_" + "A".repeat(43),
                    "binding", "osb_" + "A".repeat(43), "code", "c");
            case "PATCH /v1/admin/staff/{id}" -> Bodies.of("role", "support");
            // a port nobody listens on: the sweep's customers are queued for it and never delivered
            case "POST /v1/admin/webhooks" -> Bodies.of("url", "http://127.0.0.1:9/hooks",
                    "events", List.of("customer.deleted"), "description", "Sweep");
            case "PATCH /v1/admin/webhooks/{id}", "POST /v1/admin/webhooks/{id}/secret" -> Bodies.of();
            // well-formed WebAuthn JSON that verifies nothing: every field is checked before any is decoded
            case "POST /v1/me/passkeys" -> Bodies.of("name", "Phone", "credential", credential(Map.of(
                    "clientDataJSON", "e30", "attestationObject", "oA", "transports", List.of("internal"))));
            case "PATCH /v1/me/passkeys/{id}" -> Bodies.of("name", "Laptop");
            case "POST /v1/auth/login/passkey/options" -> Bodies.of("email", shopper.email());
            case "POST /v1/auth/login/passkey" -> Bodies.of("challenge_id", "pkc_sweep", "credential",
                    credential(Map.of("clientDataJSON", "e30", "authenticatorData", "AAAA", "signature", "AAAA",
                            "userHandle", "AAAA")));
            default -> throw new AssertionError(operation + " takes a JSON body: give SweepWorld.valid a body it "
                    + "accepts, for the sweep to spoil one property at a time");
        };
    }

    private static Map<String, Object> credential(Map<String, Object> response) {
        return Bodies.of("id", "AAAA", "rawId", "AAAA", "type", "public-key", "authenticatorAttachment",
                "platform", "clientExtensionResults", Map.of(), "response", response);
    }

    private static String fakeEmailedToken() {
        return "et_" + "A".repeat(43);
    }

    /** The valid body with {@code field} (a dotted path for nested objects) set to {@code value}. */
    String with(String operation, String field, JsonNode value) {
        ObjectNode body = MAPPER.valueToTree(valid(operation));
        String[] names = field.split("\\.");
        ObjectNode parent = body;
        for (int i = 0; i < names.length - 1; i++) {
            parent = parent.withObjectProperty(names[i]);
        }
        parent.set(names[names.length - 1], value);
        return body.toString();
    }

    /** The field's valid text with a NUL in its middle: what a naive check lets through to the database. */
    String withNul(String operation, String field) {
        JsonNode value = MAPPER.valueToTree(valid(operation)).at("/" + field.replace('.', '/'));
        String text = value.isTextual() && value.asText().length() > 1 ? value.asText() : "text";
        return text.substring(0, text.length() / 2) + '\0' + text.substring(text.length() / 2);
    }

    /** A request of the operation to {@code path}, with the credentials of its first security requirement. */
    Api.Call call(String method, String path, JsonNode operation) {
        return authorise(api.method(method, path), operation);
    }

    /** The credentials of the operation's first security requirement. */
    Api.Call authorise(Api.Call call, JsonNode operation) {
        JsonNode security = operation.has("security") ? operation.get("security") : DOCUMENT.path("security");
        if (security.isEmpty()) {
            return call;
        }
        security.get(0).fieldNames().forEachRemaining(scheme -> {
            switch (scheme) {
                case "apiKey" -> call.key(pk());
                case "bearer" -> call.bearer(shopper.accessToken());
                case "secretKey" -> call.bearer(sk());
                case "platformToken" -> call.bearer(TestServer.PLATFORM_TOKEN);
                case "staffToken" -> call.bearer(ownerToken);
                default -> throw new AssertionError("unknown security scheme " + scheme);
            }
        });
        return call;
    }

    /** The GET's answer, which must succeed: it also shows that the path's ids are real. */
    JsonNode read(String path, JsonNode get) {
        return call("GET", path, get).send().expect(200).body();
    }
}
