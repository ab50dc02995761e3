package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.FakeOidcProvider;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's Sign-in providers page and the customer page's linked sign-in accounts: what an owner adds, changes,
 * disables, enables and deletes is what the admin API then shows, the client secret never comes back, refusals are
 * shown with the form and change nothing, support is refused as on the owner's other pages, another shop's provider
 * or identity is not found, and the unlink keeps the account's only way in.
 */
class DashboardSocialLoginTest extends ApiTest {
    private static final String ORIGIN = "https://shop.example";
    private static final String SECRET = "client-secret-" + UUID.randomUUID();
    private static final String PATH = "/dashboard/identity-providers";
    private static final String TEAM = "TEAM123456";
    private static final String KEY_ID = "KEY1234567";

    @RegisterExtension
    static final FakeOidcProvider idp = FakeOidcProvider.perClass();

    private StaffFixtures.Shop shop() {
        return StaffFixtures.shop(api, Map.of("allowed_origins", List.of(ORIGIN), "login_codes", false));
    }

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    private DashboardClient support(StaffFixtures.Shop shop) {
        return StaffTwoStep.support(api, shop);
    }

    private List<JsonNode> providers(StaffFixtures.Shop shop) {
        List<JsonNode> found = new ArrayList<>();
        api.get("/v1/admin/identity-providers").bearer(shop.tenant().sk()).send().expect(200).body().path("data")
                .forEach(found::add);
        return found;
    }

    private String providerByApi(StaffFixtures.Shop shop, String slug) {
        return api.post("/v1/admin/identity-providers").bearer(shop.tenant().sk()).body(Map.of("slug", slug,
                "display_name", "Acme ID", "issuer", idp.issuer(), "client_id", "client-" + shop.id(),
                "client_secret", SECRET)).send().expect(201).str("id");
    }

    private static Map<String, String> form(String slug) {
        return Map.of("display_name", "<Acme> ID", "slug", slug, "issuer", idp.issuer(),
                "client_id", "storefront-client", "client_secret", SECRET, "scopes", "openid, email", "enabled", "on");
    }

    /** The form of a provider that authenticates with an Apple signing key, this PEM its private half. */
    private static Map<String, String> appleForm(String slug, String pem) {
        Map<String, String> form = with(form(slug), "client_secret", null);
        form.putAll(Map.of("authentication", "apple_key", "apple_team_id", TEAM, "apple_key_id", KEY_ID,
                "apple_private_key", pem));
        return form;
    }

    /** No line of the key's base64 is on the page. */
    private static void assertShowsNoKey(String html, String pem) {
        pem.lines().filter(line -> !line.startsWith("-----"))
                .forEach(line -> assertThat(html).doesNotContain(line));
    }

    private String changed(StaffFixtures.Shop shop) {
        return audited(shop, "identity_provider.updated").get(0).path("data").path("changed").toString();
    }

    private static Map<String, String> with(Map<String, String> form, String field, String value) {
        Map<String, String> changed = new HashMap<>(form);
        if (value == null) {
            changed.remove(field);
        } else {
            changed.put(field, value);
        }
        return changed;
    }

    private static String providerId(DashboardClient.Page page) {
        Matcher m = Pattern.compile("href=\"/dashboard/identity-providers/(idp_[^\"]+)\"").matcher(page.html());
        assertThat(m.find()).as("a link to a provider").isTrue();
        return m.group(1);
    }

    private JsonNode audited(StaffFixtures.Shop shop, String type) {
        return StaffFixtures.events(api, shop, type);
    }

    /** A customer opened by a first login with the shop's provider "acme": no password, the link their only way in. */
    private String customerOfTheProvider(StaffFixtures.Shop shop) {
        var started = api.post("/v1/auth/oidc/acme/start").key(shop.tenant().pk())
                .body(Map.of("redirect_uri", ORIGIN + "/oidc/callback")).send().expect(200);
        Map<String, String> query = FakeOidcProvider.query(started.str("authorization_url"));
        String token = idp.signRs256(idp.claims(query, "sub-" + UUID.randomUUID(), Fixtures.uniqueEmail(), true));
        return api.post("/v1/auth/oidc/acme/callback").key(shop.tenant().pk())
                .body(Map.of("state", started.str("state"), "binding", started.str("binding"),
                        "code", idp.authorize(query, token))).send().expect(201)
                .body().path("customer").path("id").asText();
    }

    private JsonNode identities(StaffFixtures.Shop shop, String customerId) {
        return api.get("/v1/admin/customers/" + customerId + "/identities").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
    }

    @Test
    void ownerAddsChangesDisablesEnablesAndDeletesAProviderAndTheSecretNeverComesBack() {
        var shop = shop();
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        assertThat(page.html()).contains("href=\"/dashboard/identity-providers\" aria-current=\"page\"")
                .contains("id=\"no-providers\"").contains("<span id=\"allowed-origins\">" + ORIGIN + "</span>")
                .contains("POST /v1/auth/oidc/{slug}/start").contains("/.well-known/openid-configuration");

        client.submit(page, PATH, form("acme")).expectRedirect(PATH + "?notice=identity_provider_added");
        JsonNode stored = providers(shop).getFirst();
        assertThat(providers(shop)).hasSize(1);
        assertThat(stored.path("slug").asText()).isEqualTo("acme");
        assertThat(stored.path("display_name").asText()).isEqualTo("<Acme> ID");
        assertThat(stored.path("issuer").asText()).isEqualTo(idp.issuer());
        assertThat(stored.path("client_id").asText()).isEqualTo("storefront-client");
        assertThat(stored.path("scopes").toString()).isEqualTo("[\"openid\",\"email\"]");
        assertThat(stored.path("enabled").asBoolean()).isTrue();
        JsonNode created = audited(shop, "identity_provider.created").get(0);
        assertThat(created.path("staff_id").asText()).isEqualTo(shop.ownerId());

        var listed = client.get(PATH + "?notice=identity_provider_added").expect(200);
        assertThat(listed.html()).contains("The sign-in provider was added.").contains("&lt;Acme&gt; ID")
                .doesNotContain("<Acme>").contains("<code>acme</code>").contains(idp.issuer()).contains("enabled")
                .doesNotContain(SECRET);
        String id = providerId(listed);
        assertThat(id).isEqualTo(stored.path("id").asText());

        String path = PATH + "/" + id;
        var detail = client.get(path).expect(200);
        assertThat(detail.html()).contains("value=\"storefront-client\"").contains("value=\"openid email\"")
                .contains("POST /v1/auth/oidc/acme/callback")
                .contains("New client secret (blank keeps the current one)")
                .doesNotContain(SECRET);

        // a blank secret keeps the stored one: only the name changed, and only it is recorded
        client.submit(detail, path, with(with(form("acme"), "client_secret", ""), "display_name", "Acme"))
                .expectRedirect(path + "?notice=identity_provider_updated");
        assertThat(providers(shop).getFirst().path("display_name").asText()).isEqualTo("Acme");
        JsonNode updated = audited(shop, "identity_provider.updated").get(0);
        assertThat(updated.path("data").path("changed").toString()).isEqualTo("[\"display_name\"]");
        assertThat(updated.path("staff_id").asText()).isEqualTo(shop.ownerId());
        // a new one is stored, and not shown either
        String another = "another-" + SECRET;
        client.submit(detail, path, with(form("acme"), "client_secret", another)).expect(303);
        assertThat(audited(shop, "identity_provider.updated").get(0).path("data").path("changed").toString())
                .contains("client_secret");
        assertThat(client.get(path).expect(200).html()).doesNotContain(another).doesNotContain(SECRET);
        assertThat(api.get("/v1/admin/audit").bearer(shop.tenant().sk()).send().expect(200).raw())
                .doesNotContain(SECRET);

        client.submit(detail, path + "/disable", Map.of())
                .expectRedirect(path + "?notice=identity_provider_disabled");
        assertThat(providers(shop).getFirst().path("enabled").asBoolean()).isFalse();
        var disabled = client.get(path + "?notice=identity_provider_disabled").expect(200);
        assertThat(disabled.html()).contains("The sign-in provider was disabled.")
                .contains("<dd id=\"provider-status\">disabled</dd>").contains(path + "/enable");
        api.post("/v1/auth/oidc/acme/start").key(shop.tenant().pk())
                .body(Map.of("redirect_uri", ORIGIN + "/cb")).send().expect(404);
        client.submit(disabled, path + "/enable", Map.of()).expectRedirect(path + "?notice=identity_provider_enabled");
        assertThat(providers(shop).getFirst().path("enabled").asBoolean()).isTrue();

        // the deletion asks for its box to be ticked
        client.submit(disabled, path + "/delete", Map.of()).expect(422);
        assertThat(providers(shop)).hasSize(1);
        client.submit(disabled, path + "/delete", Map.of("confirm", "yes"))
                .expectRedirect(PATH + "?notice=identity_provider_deleted");
        assertThat(providers(shop)).isEmpty();
        assertThat(audited(shop, "identity_provider.deleted").get(0).path("staff_id").asText())
                .isEqualTo(shop.ownerId());
        client.get(path).expect(404);
        client.submit(disabled, path + "/disable", Map.of()).expect(404);
    }

    @Test
    void providerFormWhenRefusedThenEachMessageNextToItsFieldNothingSavedAndTheSecretNotShownBack() {
        var shop = shop();
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        Map<Map<String, String>, String> refusals = Map.of(
                Map.of("scopes", "", "client_secret", SECRET), "slug is required.",
                with(form("acme"), "display_name", "x".repeat(101)), "display_name must be at most 100 characters.",
                with(form("acme"), "slug", "Not_A-Slug"), "slug must be 1 to 40 of a-z",
                with(form("acme"), "issuer", "not a url"), "issuer",
                with(form("acme"), "issuer", idp.issuer() + "/?tenant=x"), "issuer must not have a query",
                with(form("acme"), "client_secret", null), "client_secret is required.",
                with(form("acme"), "client_secret", "s".repeat(1001)), "client_secret must be at most 1000",
                with(form("acme"), "scopes", "email profile"), "scopes must include openid.");
        refusals.forEach((fields, message) -> {
            var refused = client.submit(page, PATH, fields);
            assertThat(refused.status()).as("%s", fields).isEqualTo(422);
            assertThat(refused.html()).contains("Nothing was saved").contains("field-error")
                    .contains(message.replace("'", "&#39;")).doesNotContain(SECRET);
        });
        assertThat(providers(shop)).isEmpty();
        // what was typed comes back, but for the secret
        var typed = client.submit(page, PATH, with(form("acme"), "scopes", "email"));
        assertThat(typed.html()).contains("value=\"&lt;Acme> ID\"").contains("value=\"email\"")
                .contains("value=\"" + idp.issuer() + "\"").contains("type it again");

        client.submit(page, PATH, form("acme")).expect(303);
        var taken = client.submit(page, PATH, form("acme")).expect(409);
        assertThat(taken.html()).contains("id=\"provider-slug-error\"")
                .contains("Another identity provider of this shop has the slug acme.");
        assertThat(providers(shop)).hasSize(1);

        // a change refused shows the provider's page with the message; the provider stays as it was
        String path = PATH + "/" + providers(shop).getFirst().path("id").asText();
        var detail = client.get(path).expect(200);
        var blank = client.submit(detail, path, with(form("acme"), "slug", " ")).expect(422);
        assertThat(blank.html()).contains("slug is required.").contains("<h1>&lt;Acme&gt; ID</h1>");
        client.submit(detail, path, with(form("acme"), "scopes", "")).expect(422);
        client.submit(page, PATH, form("other")).expect(303);
        assertThat(client.submit(detail, path, with(form("acme"), "slug", "other")).expect(409).html())
                .contains("id=\"provider-slug-error\"");
        assertThat(providers(shop).getFirst().path("slug").asText()).isEqualTo("acme");
        assertThat(providers(shop).getFirst().path("scopes")).hasSize(2);
    }

    @Test
    void providerFormWhenTheShopHasItsLimitThenRefusedAboveTheFormNotAServerError() {
        var shop = shop();
        for (int i = 0; i < 20; i++) {
            providerByApi(shop, "p" + i);
        }
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        var refused = client.submit(page, PATH, form("one-more")).expect(422);
        assertThat(refused.html()).contains("id=\"provider-problem\"").contains("at most 20 identity providers")
                .doesNotContain(SECRET);
        assertThat(providers(shop)).hasSize(20);
    }

    @Test
    void providersWhenSupportThenRefusedAsTheOwnersOtherPagesAndNotOffered() {
        var shop = shop();
        String id = providerByApi(shop, "acme");
        var client = support(shop);
        var customers = client.get("/dashboard/customers").expect(200);
        assertThat(customers.html()).doesNotContain(PATH);
        assertThat(client.get(PATH).expect(403).html()).contains("The support role may not open this page");
        client.get(PATH + "/" + id).expect(403);
        client.submit(customers, PATH, form("other")).expect(403);
        client.submit(customers, PATH + "/" + id, with(form("acme"), "display_name", "Changed")).expect(403);
        client.submit(customers, PATH + "/" + id + "/disable", Map.of()).expect(403);
        client.submit(customers, PATH + "/" + id + "/delete", Map.of("confirm", "yes")).expect(403);
        JsonNode stored = providers(shop).getFirst();
        assertThat(providers(shop)).hasSize(1);
        assertThat(stored.path("display_name").asText()).isEqualTo("Acme ID");
        assertThat(stored.path("enabled").asBoolean()).isTrue();
    }

    @Test
    void providerWithAnAppleSigningKeyThenItsPageSaysTheServerSignsAndShowsNoKey() {
        var shop = shop();
        String pem = TestKeys.pem(TestKeys.p256(), "\n");
        String id = api.post("/v1/admin/identity-providers").bearer(shop.tenant().sk()).body(Map.of("slug", "apple",
                "display_name", "Apple", "issuer", idp.issuer(), "client_id", "shop.example.signin",
                "apple_team_id", TEAM, "apple_key_id", KEY_ID, "apple_private_key", pem))
                .send().expect(201).str("id");
        var client = owner(shop);
        String html = client.get(PATH + "/" + id).expect(200).html();
        assertThat(html).contains("Apple signing key <code>KEY1234567</code> of team <code>TEAM123456</code>")
                .doesNotContain("PRIVATE KEY");
        assertShowsNoKey(html, pem);
        // a provider with a client secret says only that it has one
        String other = providerByApi(shop, "acme");
        assertThat(client.get(PATH + "/" + other).expect(200).html()).contains("set, never shown")
                .doesNotContain(SECRET);
    }

    @Test
    void ownerAddsAProviderWithAnAppleSigningKeyAndTheKeyNeverComesBack() {
        var shop = shop();
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        assertThat(page.html()).contains("<textarea id=\"provider-apple-private-key\" name=\"apple_private_key\"");
        // as a browser sends a textarea: its lines end in CR LF
        String pem = TestKeys.pem(TestKeys.p256(), "\r\n");

        client.submit(page, PATH, appleForm("apple", pem)).expectRedirect(PATH + "?notice=identity_provider_added");
        JsonNode stored = providers(shop).getFirst();
        assertThat(stored.path("apple_team_id").asText()).isEqualTo(TEAM);
        assertThat(stored.path("apple_key_id").asText()).isEqualTo(KEY_ID);
        assertThat(stored.path("apple_private_key_set").asBoolean()).isTrue();
        assertThat(audited(shop, "identity_provider.created").get(0).path("staff_id").asText())
                .isEqualTo(shop.ownerId());

        assertShowsNoKey(client.get(PATH).expect(200).html(), pem);
        String detail = client.get(PATH + "/" + stored.path("id").asText()).expect(200).html();
        assertThat(detail).contains("Apple signing key <code>KEY1234567</code> of team <code>TEAM123456</code>")
                .contains("value=\"TEAM123456\"").contains("value=\"KEY1234567\"")
                .contains("New Apple private key (blank keeps the current one)")
                .containsPattern("id=\"provider-auth-apple\" name=\"authentication\" type=\"radio\" value=\"apple_key\""
                        + " checked")
                .doesNotContain("PRIVATE KEY");
        assertShowsNoKey(detail, pem);
        assertShowsNoKey(api.get("/v1/admin/audit").bearer(shop.tenant().sk()).send().expect(200).raw(), pem);
    }

    @Test
    void providerWithAnAppleKeyWhenChangedWithTheKeyLeftBlankThenItStaysAndAClientSecretReplacesIt() {
        var shop = shop();
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        String pem = TestKeys.pem(TestKeys.p256(), "\n");
        client.submit(page, PATH, appleForm("apple", pem)).expect(303);
        String path = PATH + "/" + providers(shop).getFirst().path("id").asText();
        var detail = client.get(path).expect(200);

        // blank keeps the stored key: only the name changed, and only it is recorded
        client.submit(detail, path, with(with(appleForm("apple", pem), "apple_private_key", ""), "display_name",
                "Apple")).expectRedirect(path + "?notice=identity_provider_updated");
        JsonNode kept = providers(shop).getFirst();
        assertThat(kept.path("display_name").asText()).isEqualTo("Apple");
        assertThat(kept.path("apple_private_key_set").asBoolean()).isTrue();
        assertThat(changed(shop)).isEqualTo("[\"display_name\"]");

        // a new key under a new id, the team's staying
        String next = TestKeys.pem(TestKeys.p256(), "\n");
        client.submit(detail, path, with(with(appleForm("apple", next), "apple_key_id", "KEY7654321"),
                "display_name", "Apple")).expect(303);
        assertThat(providers(shop).getFirst().path("apple_key_id").asText()).isEqualTo("KEY7654321");
        assertThat(changed(shop)).isEqualTo("[\"apple_key_id\",\"apple_private_key\"]");
        assertShowsNoKey(client.get(path).expect(200).html(), next);

        // back to a client secret, which a switch needs typed: then the key is gone
        var blank = client.submit(detail, path, with(form("apple"), "client_secret", "")).expect(422);
        assertThat(blank.html()).contains("id=\"provider-client-secret-error\"").contains("client_secret is required.");
        assertThat(providers(shop).getFirst().path("apple_private_key_set").asBoolean()).isTrue();
        client.submit(detail, path, form("apple")).expect(303);
        JsonNode switched = providers(shop).getFirst();
        assertThat(switched.path("apple_private_key_set").asBoolean()).isFalse();
        assertThat(switched.path("apple_key_id").isNull()).isTrue();
        assertThat(changed(shop)).contains("\"client_secret\"").contains("\"apple_private_key\"");
        assertThat(client.get(path).expect(200).html()).contains("set, never shown").doesNotContain(SECRET);
    }

    @Test
    void appleKeyFormWhenRefusedThenTheFieldSaysWhyNothingIsSavedAndNoKeyIsShownBack() {
        var shop = shop();
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        String good = TestKeys.pem(TestKeys.p256(), "\n");
        String p384 = TestKeys.pem(TestKeys.generate("EC", "secp384r1"), "\n");
        String rsa = TestKeys.pem(TestKeys.generate("RSA", null), "\n"); // longer than any P-256 key
        String notAKey = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
        Map<Map<String, String>, String> refusals = Map.of(
                appleForm("apple", p384), "apple_private_key must be the .p8 file",
                appleForm("apple", rsa), "apple_private_key must be at most 1000 characters.",
                appleForm("apple", notAKey), "apple_private_key must be the .p8 file",
                appleForm("apple", ""), "apple_private_key is required.",
                with(appleForm("apple", good), "apple_team_id", " "), "apple_team_id is required.",
                with(appleForm("apple", good), "apple_key_id", ""), "apple_key_id is required.",
                with(appleForm("apple", good), "apple_team_id", "team"), "apple_team_id must be 10 characters");
        refusals.forEach((fields, message) -> {
            var refused = client.submit(page, PATH, fields);
            assertThat(refused.status()).as("%s", message).isEqualTo(422);
            String field = message.substring(0, message.indexOf(' ')).replace('_', '-');
            assertThat(refused.html()).contains("Nothing was saved").contains("id=\"provider-" + field + "-error\"")
                    .contains(message.replace("'", "&#39;")).contains("paste it again")
                    .containsPattern("value=\"apple_key\" checked");
            List.of(good, p384, rsa).forEach(pem -> assertShowsNoKey(refused.html(), pem));
        });
        assertThat(providers(shop)).isEmpty();

        // a change refused leaves the stored key
        client.submit(page, PATH, appleForm("apple", good)).expect(303);
        String path = PATH + "/" + providers(shop).getFirst().path("id").asText();
        var refused = client.submit(client.get(path).expect(200), path, appleForm("apple", p384)).expect(422);
        assertThat(refused.html()).contains("id=\"provider-apple-private-key-error\"");
        assertShowsNoKey(refused.html(), p384);
        assertThat(audited(shop, "identity_provider.updated")).isEmpty();
    }

    @Test
    void providerWithAClientSecretWhenGivenAWholeAppleKeyThenItSignsWithTheKeyInstead() {
        var shop = shop();
        String id = providerByApi(shop, "acme");
        var client = owner(shop);
        String path = PATH + "/" + id;
        var detail = client.get(path).expect(200);
        assertThat(detail.html()).containsPattern("value=\"client_secret\" checked")
                .contains(">Apple private key</label>").doesNotContain("New Apple private key");
        String pem = TestKeys.pem(TestKeys.p256(), "\n");

        // a switch needs the key whole
        var partial = client.submit(detail, path, appleForm("acme", "")).expect(422);
        assertThat(partial.html()).contains("id=\"provider-apple-private-key-error\"")
                .contains("apple_private_key is required.");
        assertThat(providers(shop).getFirst().path("apple_private_key_set").asBoolean()).isFalse();

        client.submit(detail, path, appleForm("acme", pem)).expectRedirect(path + "?notice=identity_provider_updated");
        JsonNode switched = providers(shop).getFirst();
        assertThat(switched.path("apple_private_key_set").asBoolean()).isTrue();
        assertThat(switched.path("apple_team_id").asText()).isEqualTo(TEAM);
        assertThat(changed(shop)).contains("\"client_secret\"").contains("\"apple_team_id\"")
                .contains("\"apple_key_id\"").contains("\"apple_private_key\"");
        assertShowsNoKey(client.get(path).expect(200).html(), pem);

        // the next login's token request carries a client secret signed under the key's id, not the old secret
        customerOfTheProvider(shop);
        String sent = idp.tokenRequests().getLast().clientSecret();
        assertThat(sent).isNotEqualTo(SECRET);
        assertThat(new String(Base64.getUrlDecoder().decode(sent.substring(0, sent.indexOf('.'))),
                StandardCharsets.UTF_8)).contains("\"kid\":\"" + KEY_ID + "\"");
    }

    @Test
    void providerOfAnotherShopOrUnknownThenNotFoundAndUnchanged() {
        var shop = shop();
        var other = shop();
        String theirs = providerByApi(other, "acme");
        var client = owner(shop);
        var page = client.get(PATH).expect(200);
        for (String id : List.of(theirs, "idp_unknown")) {
            assertThat(client.get(PATH + "/" + id).expect(404).html()).contains("Identity provider was not found.");
            client.submit(page, PATH + "/" + id, with(form("acme"), "display_name", "Mine now")).expect(404);
            client.submit(page, PATH + "/" + id + "/disable", Map.of()).expect(404);
            client.submit(page, PATH + "/" + id + "/delete", Map.of("confirm", "yes")).expect(404);
        }
        // a form the API's rules refuse is no way to learn of another shop's provider either
        client.submit(page, PATH + "/" + theirs, with(form("acme"), "slug", "")).expect(404);
        JsonNode stored = providers(other).getFirst();
        assertThat(stored.path("display_name").asText()).isEqualTo("Acme ID");
        assertThat(stored.path("enabled").asBoolean()).isTrue();
        assertThat(providers(shop)).isEmpty();
    }

    @Test
    void providerFormWithoutTheCsrfTokenThenRefusedAndNothingChanged() {
        var shop = shop();
        String id = providerByApi(shop, "acme");
        var client = owner(shop);
        client.post(PATH, form("other")).expect(403);
        client.post(PATH + "/" + id + "/delete", Map.of("confirm", "yes", "_csrf", "0".repeat(64))).expect(403);
        assertThat(providers(shop)).hasSize(1);
    }

    @Test
    void customerPageListsLinkedAccountsAndUnlinksAllButTheOnlyWayIn() {
        var shop = shop();
        String providerId = providerByApi(shop, "acme");
        String customerId = customerOfTheProvider(shop);
        JsonNode identity = identities(shop, customerId).get(0);
        String identityId = identity.path("id").asText();
        var client = owner(shop);
        String path = "/dashboard/customers/" + customerId;
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("Linked sign-in accounts").contains("Acme ID")
                .contains(identity.path("subject").asText()).contains(identity.path("email").asText())
                .contains("data-identity=\"" + identityId + "\"").contains("<th scope=\"col\">Last used</th>");
        assertThat(page.html().indexOf("Linked sign-in accounts")).isGreaterThan(page.html().indexOf("Passkeys"));

        // the only way in: nothing unlinked, and the page says why
        client.submit(page, path + "/identities/" + identityId + "/unlink", Map.of())
                .expectRedirect(path + "?notice=last_sign_in_method");
        assertThat(client.get(path + "?notice=last_sign_in_method").expect(200).html())
                .contains("<p class=\"notice refused\" role=\"alert\">Nothing was unlinked");
        assertThat(identities(shop, customerId)).hasSize(1);

        // nor does the provider's issuer change under the linked account
        var provider = client.get(PATH + "/" + providerId).expect(200);
        var inUse = client.submit(provider, PATH + "/" + providerId,
                with(with(form("acme"), "client_secret", ""), "issuer", "http://127.0.0.1:9/elsewhere")).expect(409);
        assertThat(inUse.html()).contains("id=\"provider-issuer-error\"").contains("Customers have accounts");
        assertThat(providers(shop).getFirst().path("issuer").asText()).isEqualTo(idp.issuer());

        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("login_codes", true)).send()
                .expect(200);
        client.submit(page, path + "/identities/" + identityId + "/unlink", Map.of())
                .expectRedirect(path + "?notice=identity_unlinked");
        assertThat(identities(shop, customerId)).isEmpty();
        assertThat(client.get(path + "?notice=identity_unlinked").expect(200).html())
                .contains("The sign-in account was unlinked.").contains("id=\"no-identities\"");
        JsonNode unlinked = audited(shop, "identity.unlinked").get(0);
        assertThat(unlinked.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(unlinked.path("data").path("identity_id").asText()).isEqualTo(identityId);
        client.submit(page, path + "/identities/" + identityId + "/unlink", Map.of()).expect(404);
    }

    @Test
    void unlinkWhenSupportOrAnotherShopsIdentityThenRefusedAndTheLinkStays() {
        var shop = shop();
        providerByApi(shop, "acme");
        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("login_codes", true)).send()
                .expect(200);
        String customerId = customerOfTheProvider(shop);
        String identityId = identities(shop, customerId).get(0).path("id").asText();
        String path = "/dashboard/customers/" + customerId;

        // support sees the link (view_customers) but may not remove it (edit_customers), as on the admin API
        var support = support(shop);
        var shown = support.get(path).expect(200);
        assertThat(shown.html()).contains("Linked sign-in accounts").doesNotContain("data-identity=");
        support.submit(shown, path + "/identities/" + identityId + "/unlink", Map.of()).expect(403);

        var other = shop();
        var stranger = owner(other);
        var theirs = Fixtures.shopper(api, other.tenant());
        var page = stranger.get("/dashboard/customers").expect(200);
        stranger.submit(page, path + "/identities/" + identityId + "/unlink", Map.of()).expect(404);
        stranger.submit(page, "/dashboard/customers/" + theirs.customerId() + "/identities/" + identityId + "/unlink",
                Map.of()).expect(404);
        // another customer of the same shop does not have it either
        var neighbour = Fixtures.shopper(api, shop.tenant());
        var owner = owner(shop);
        owner.submit(page(owner), "/dashboard/customers/" + neighbour.customerId() + "/identities/" + identityId
                + "/unlink", Map.of()).expect(404);
        assertThat(identities(shop, customerId)).hasSize(1);
    }

    private static DashboardClient.Page page(DashboardClient client) {
        return client.get("/dashboard/customers").expect(200);
    }
}
