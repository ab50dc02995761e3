package dev.latchkey.http;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Preflights for any origin; real storefront answers readable only from the tenant's allowed origins. */
class CorsTest extends ApiTest {
    private static final String SHOP = "https://shop.example.com";
    private static final String EVIL = "https://evil.example.net";
    private final Fixtures.Tenant tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of(SHOP)));

    @Test
    void preflightOnStorefrontPathThenAllowedForAnyOrigin() {
        for (String origin : List.of(SHOP, EVIL)) {
            var res = api.method("OPTIONS", "/v1/auth/login").header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type, x-api-key").send();

            assertThat(res.status()).isBetween(200, 204);
            assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo(origin);
            assertThat(res.header("Access-Control-Allow-Methods")).contains("POST");
            assertThat(res.header("Access-Control-Allow-Headers")).containsIgnoringCase("X-Api-Key")
                    .containsIgnoringCase("Authorization");
        }
    }

    @Test
    void optionsThenTheMethodsOfThePathAndForAnUnknownPathNotFound() {
        var mine = api.method("OPTIONS", "/v1/me/addresses/addr_any").send();
        assertThat(mine.status()).isEqualTo(204);
        assertThat(mine.header("Allow")).isEqualTo("GET, HEAD, PATCH, DELETE, OPTIONS");

        for (String origin : List.of(SHOP, EVIL)) {
            var unknown = api.method("OPTIONS", "/v1/nowhere").header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST").send().expect(404, "not_found");
            assertThat(unknown.header("Access-Control-Allow-Methods")).isNull();
        }
    }

    @Test
    void storefrontRequestFromAllowedOriginThenAllowOriginHeader() {
        var res = api.post("/v1/anonymous").key(tenant.pk()).header("Origin", SHOP).send().expect(201);

        assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
    }

    @Test
    void storefrontErrorFromAllowedOriginThenAllowOriginHeader() {
        var res = api.post("/v1/auth/login").key(tenant.pk()).header("Origin", SHOP)
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", "whatever-password")).send()
                .expect(401, "invalid_credentials");

        assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
    }

    @Test
    void storefrontQueryRefusedBeforeTheRouteFromAllowedOriginThenAllowOriginHeader() {
        var shopper = Fixtures.shopper(api, tenant);
        var res = api.raw("GET", "/v1/me/orders?limit=%zz").as(shopper).header("Origin", SHOP).send()
                .expect(422, "validation_failed");
        assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
        assertThat(res.header("Vary")).isEqualTo("Origin");

        // another origin, a key of no tenant, an admin route: still refused, and still without the header
        res = api.raw("GET", "/v1/me/orders?limit=%zz").as(shopper).header("Origin", EVIL).send()
                .expect(422, "validation_failed");
        assertThat(res.header("Access-Control-Allow-Origin")).isNull();
        res = api.raw("GET", "/v1/me/orders?limit=%zz").key("pk_doesNotExist").bearer(shopper.accessToken())
                .header("Origin", SHOP).send().expect(422, "validation_failed");
        assertThat(res.header("Access-Control-Allow-Origin")).isNull();
        res = api.raw("GET", "/v1/admin/customers?limit=%zz").bearer(tenant.sk()).header("Origin", SHOP).send()
                .expect(422, "validation_failed");
        assertThat(res.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void storefrontUnknownPathOrMethodFromAllowedOriginThenAllowOriginHeader() {
        var missing = api.get("/v1/me/nope").key(tenant.pk()).header("Origin", SHOP).send().expect(404, "not_found");
        assertThat(missing.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
        var wrongMethod = api.method("DELETE", "/v1/auth/login").key(tenant.pk()).header("Origin", SHOP).send()
                .expect(405, "method_not_allowed");
        assertThat(wrongMethod.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
        // from another origin, or on an admin route, still without it
        assertThat(api.get("/v1/me/nope").key(tenant.pk()).header("Origin", EVIL).send().expect(404)
                .header("Access-Control-Allow-Origin")).isNull();
        assertThat(api.get("/v1/admin/nope").bearer(tenant.sk()).header("Origin", SHOP).send().expect(404)
                .header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void storefrontRequestFromOtherOriginThenNoAllowOriginHeader() {
        var res = api.post("/v1/anonymous").key(tenant.pk()).header("Origin", EVIL).send().expect(201);

        assertThat(res.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void storefrontRequestWhenOriginAllowedOnlyForAnotherTenantThenNoAllowOriginHeader() {
        var other = Fixtures.tenant(api);

        var res = api.post("/v1/anonymous").key(other.pk()).header("Origin", SHOP).send().expect(201);

        assertThat(res.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void adminRouteThenNoCorsHeadersEvenForAllowedOrigin() {
        var res = api.get("/v1/admin/settings").bearer(tenant.sk()).header("Origin", SHOP).send().expect(200);
        assertThat(res.header("Access-Control-Allow-Origin")).isNull();

        var preflight = api.method("OPTIONS", "/v1/admin/settings").header("Origin", SHOP)
                .header("Access-Control-Request-Method", "PATCH").send();
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void platformRouteThenNoCorsHeaders() {
        var preflight = api.method("OPTIONS", "/v1/platform/tenants").header("Origin", SHOP)
                .header("Access-Control-Request-Method", "POST").send();
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }
}
