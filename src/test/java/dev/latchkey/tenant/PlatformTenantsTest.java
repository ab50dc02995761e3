package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.Problems.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

class PlatformTenantsTest extends ApiTest {
    static final Map<String, Object> DEFAULT_SETTINGS = Map.ofEntries(
            Map.entry("access_token_ttl", 86400),
            Map.entry("refresh_token_ttl", 2592000),
            Map.entry("anonymous_token_ttl", 3600),
            Map.entry("anonymous_refresh_ttl", 86400),
            Map.entry("require_email_verification", false),
            Map.entry("require_activation", false),
            Map.entry("password_min_length", 8),
            Map.entry("password_reset_ttl", 900),
            Map.entry("verification_ttl", 86400),
            Map.entry("allowed_origins", List.of()),
            Map.entry("refresh_reuse_grace", 10),
            Map.entry("cart_merge_strategy", "merge"),
            Map.entry("email_interval", 60),
            Map.entry("lockout_threshold", 10),
            Map.entry("lockout_duration", 900));

    private Api.Res create(Object body) {
        return api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN).body(body).send();
    }

    private Api.Res createWithSettings(String id, Map<String, Object> settings) {
        return create(Map.of("id", id, "name", "Shop", "settings", settings));
    }

    private Api.Res list(String query) {
        return api.get("/v1/platform/tenants" + query).bearer(TestServer.PLATFORM_TOKEN).send().expect(200);
    }

    private static List<String> ids(Api.Res page) {
        List<String> ids = new ArrayList<>();
        page.body().path("data").forEach(tenant -> ids.add(tenant.path("id").asText()));
        return ids;
    }

    private static String cursor(Api.Res page) {
        return URLEncoder.encode(page.str("next_cursor"), StandardCharsets.UTF_8);
    }

    @Test
    void createWhenValidThenReturnsTenantAndFreshKeys() {
        String id = Fixtures.uniqueId("kasa");
        var res = create(Map.of("id", id, "name", "Kasa")).expect(201);

        assertThat(res.body().path("tenant").path("id").asText()).isEqualTo(id);
        assertThat(res.body().path("tenant").path("name").asText()).isEqualTo("Kasa");
        assertThat(res.str("publishable_key")).startsWith("pk_");
        assertThat(res.str("secret_key")).startsWith("sk_");
        // 256 bits: at least 43 base62 / base64url characters behind the prefix
        assertThat(res.str("publishable_key").substring(3)).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
        assertThat(res.str("secret_key").substring(3)).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void createWhenCalledTwiceThenKeysDiffer() {
        var first = create(Map.of("id", Fixtures.uniqueId("t"), "name", "One")).expect(201);
        var second = create(Map.of("id", Fixtures.uniqueId("t"), "name", "Two")).expect(201);

        assertThat(List.of(first.str("publishable_key"), first.str("secret_key"),
                second.str("publishable_key"), second.str("secret_key"))).doesNotHaveDuplicates();
    }

    @Test
    void createWhenNoSettingsThenDefaultsAreExactlyThoseOfTheContract() {
        JsonNode settings = create(Map.of("id", Fixtures.uniqueId("t"), "name", "Defaults")).expect(201)
                .body().path("tenant").path("settings");

        // every setting of the contract has the contract's default; later features add settings of their own
        DEFAULT_SETTINGS.forEach((name, value) ->
                assertThat(settings.get(name)).as(name).isEqualTo(new ObjectMapper().valueToTree(value)));
    }

    @Test
    void createWhenSettingsGivenThenTheyOverrideOnlyThoseDefaults() {
        JsonNode settings = createWithSettings(Fixtures.uniqueId("t"),
                Map.of("password_min_length", 12, "require_activation", true)).expect(201)
                .body().path("tenant").path("settings");

        assertThat(settings.path("password_min_length").asInt()).isEqualTo(12);
        assertThat(settings.path("require_activation").asBoolean()).isTrue();
        assertThat(settings.path("access_token_ttl").asLong()).isEqualTo(86400);
        assertThat(settings.path("refresh_reuse_grace").asLong()).isEqualTo(10);
    }

    @Test
    void createWhenIdExistsThenConflict() {
        String id = Fixtures.uniqueId("t");
        create(Map.of("id", id, "name", "First")).expect(201);

        create(Map.of("id", id, "name", "Second")).expect(409, "tenant_exists");
    }

    @Test
    void createWhenSameIdConcurrentlyThenExactlyOneCreatedOthersConflict() {
        String id = Fixtures.uniqueId("t");

        List<Integer> statuses = Concurrently.statuses(8, () -> create(Map.of("id", id, "name", "Race")));

        assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    }

    @Test
    void createWhenSameIdWithAnOwnerConcurrentlyThenExactlyOneCreatedOthersConflict() {
        String id = Fixtures.uniqueId("t");
        Map<String, Object> owner = Map.of("email", "owner@race.example", "password", "quiet plum engine nineteen");

        List<Integer> statuses = Concurrently.statuses(8,
                () -> create(Map.of("id", id, "name", "Race", "owner", owner)));

        assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Kasa", "has space", "-leading-hyphen", "x", "ünïcode", "semi;colon"})
    void createWhenIdInvalidThenValidationFailed(String id) {
        assertInvalidField(create(Map.of("id", id, "name", "Shop")), "id");
    }

    @Test
    void createWhenIdMissingThenRequired() {
        assertInvalid(create(Map.of("name", "Shop")), "id", "required");
    }

    @Test
    void createWhenNameMissingThenRequired() {
        assertInvalid(create(Map.of("id", Fixtures.uniqueId("t"))), "name", "required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Shop\r\nBcc: someone@example.com", "Shop\tTwo", "Shop\u2028Two", "Shop \u202Eevil"})
    void createWhenNameIsNotOneLineThenInvalidAndNothingIsCreated(String name) {
        String id = Fixtures.uniqueId("t");
        // the shop's name is in every mail's subject and signature
        assertInvalid(create(Map.of("id", id, "name", name)), "name", "invalid");
        create(Map.of("id", id, "name", "Shop")).expect(201); // the id was not taken
    }

    @Test
    void createWhenFieldsSettingsAndOwnerAreAllBadThenOneAnswerNamesEveryBadFieldAndNothingIsCreated() {
        var res = create(Map.of("id", "Not Valid", "name", "Shop", "settings", Map.of("bogus", 1,
                "access_token_ttl", -1), "owner", Map.of("email", "not-an-email", "password", "x")));

        assertThat(Problems.fieldErrors(res.expect(422, "validation_failed"))).containsExactlyInAnyOrder(
                "id:invalid", "settings.bogus:unknown_field", "settings.access_token_ttl:out_of_range",
                "owner.email:invalid", "owner.password:too_short");
        var weakOwner = create(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop",
                "settings", Map.of("password_min_length", 12), "owner",
                Map.of("email", Fixtures.uniqueEmail(), "password", "elevenchars")));
        assertThat(Problems.fieldErrors(weakOwner.expect(422, "validation_failed")))
                .containsExactly("owner.password:too_short");
    }

    @Test
    void createWhenIdHasWrongTypeThenInvalidType() {
        assertInvalid(create(Map.of("id", 42, "name", "Shop")), "id", "invalid_type");
    }

    @Test
    void createWhenSettingNegativeThenRefusedAndNothingCreated() {
        String id = Fixtures.uniqueId("t");
        assertInvalidField(createWithSettings(id, Map.of("access_token_ttl", -1)), "settings.access_token_ttl");

        createWithSettings(id, Map.of()).expect(201);
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 65, 0})
    void createWhenPasswordMinLengthOutOfRangeThenRefused(int minLength) {
        assertInvalidField(createWithSettings(Fixtures.uniqueId("t"), Map.of("password_min_length", minLength)),
                "settings.password_min_length");
    }

    @Test
    void createWhenSettingUnknownThenRefused() {
        assertInvalidField(createWithSettings(Fixtures.uniqueId("t"), Map.of("acess_token_ttl", 60)),
                "settings.acess_token_ttl");
    }

    @Test
    void createWhenSettingsNotAnObjectThenRefused() {
        assertInvalid(create(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop", "settings", List.of())),
                "settings", "invalid_type");
    }

    @Test
    void createWhenPlatformTokenMissingThenUnauthorized() {
        api.post("/v1/platform/tenants").body(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop")).send()
                .expect(401, "invalid_token");
    }

    @Test
    void createWhenPlatformTokenWrongThenUnauthorizedAndNothingCreated() {
        String id = Fixtures.uniqueId("t");
        api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN + "x")
                .body(Map.of("id", id, "name", "Shop")).send().expect(401, "invalid_token");

        create(Map.of("id", id, "name", "Shop")).expect(201);
    }

    /** A tenant's secret key is a valid credential of the wrong kind here: 403, and no tenant is made. */
    @Test
    void createWhenBearerIsATenantSecretKeyThenInsufficientScopeAndNothingCreated() {
        var tenant = Fixtures.tenant(api);
        String id = Fixtures.uniqueId("t");
        api.post("/v1/platform/tenants").bearer(tenant.sk()).body(Map.of("id", id, "name", "S"))
                .send().expect(403, "insufficient_scope");
        api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN).body(Map.of("id", id, "name", "S"))
                .send().expect(201);
    }

    @Test
    void listWhenPlatformTokenMissingOrWrongThenUnauthorized() {
        api.get("/v1/platform/tenants").send().expect(401, "invalid_token");
        api.get("/v1/platform/tenants").bearer("wrong-token-wrong-token-wrong-token").send()
                .expect(401, "invalid_token");
    }

    @Test
    void listWhenPagedThenEveryTenantAppearsOnceInCreationOrder() {
        List<String> mine = List.of(Fixtures.tenant(api).id(), Fixtures.tenant(api).id(), Fixtures.tenant(api).id());

        List<String> all = new ArrayList<>();
        var page = list("?limit=100");
        all.addAll(ids(page));
        for (int pages = 1; page.str("next_cursor") != null && pages < 1000; pages++) {
            page = list("?limit=100&cursor=" + cursor(page));
            all.addAll(ids(page));
        }

        assertThat(page.body().path("next_cursor").isNull()).as("last page has next_cursor null").isTrue();
        assertThat(all).doesNotHaveDuplicates().containsAll(mine);
    }

    @Test
    void listWhenLimitOneThenCursorWalksTheSameOrderOneByOne() {
        Fixtures.tenant(api);
        Fixtures.tenant(api);
        Fixtures.tenant(api);
        List<String> firstThree = ids(list("?limit=3"));

        var first = list("?limit=1");
        var second = list("?limit=1&cursor=" + cursor(first));
        var third = list("?limit=1&cursor=" + cursor(second));

        assertThat(ids(first)).hasSize(1);
        assertThat(ids(second)).hasSize(1);
        assertThat(ids(third)).hasSize(1);
        assertThat(first.str("next_cursor")).isNotNull().isNotEqualTo(second.str("next_cursor"));
        assertThat(List.of(ids(first).get(0), ids(second).get(0), ids(third).get(0))).isEqualTo(firstThree);
    }

    @Test
    void listWhenNoLimitThenDefaultPageOfTwenty() {
        for (int i = 0; i < 21; i++) {
            Fixtures.tenant(api);
        }
        var page = list("");
        assertThat(ids(page)).hasSize(20);
        assertThat(page.str("next_cursor")).isNotNull();
        assertThat(ids(list("?limit=&cursor="))).as("given empty, as if absent").isEqualTo(ids(page));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc"})
    void listWhenLimitOutOfRangeThenValidationFailed(String limit) {
        assertInvalidField(api.get("/v1/platform/tenants?limit=" + limit).bearer(TestServer.PLATFORM_TOKEN).send(),
                "limit");
    }

    @Test
    void listWhenCursorGarbageThenValidationFailed() {
        assertInvalidField(api.get("/v1/platform/tenants?cursor=not-a-cursor!").bearer(TestServer.PLATFORM_TOKEN)
                .send(), "cursor");
    }
}
