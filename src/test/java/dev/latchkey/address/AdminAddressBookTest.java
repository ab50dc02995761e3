package dev.latchkey.address;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant reads a customer's address book: the list, and the customer with {@code ?expand=addresses}. */
class AdminAddressBookTest extends ApiTest {
    private final StaffFixtures.Shop shop = StaffFixtures.shop(api);
    private final Fixtures.Tenant tenant = shop.tenant();
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

    private Api.Res book(String bearer, String customerId, String query) {
        return api.get("/v1/admin/customers/" + customerId + "/addresses" + query).bearer(bearer).send();
    }

    private Api.Res customer(String bearer, String customerId, String query) {
        return api.get("/v1/admin/customers/" + customerId + query).bearer(bearer).send();
    }

    /**
     * The admin answer as the shopper sees it: without the merchant's own {@code tags} and {@code note} and the
     * customer's order summary, which only the admin answer has (empty here).
     */
    private static JsonNode asTheShopperSeesIt(JsonNode admin) {
        List<String> merchantsOnly = List.of("tags", "note", "orders_count", "amount_spent", "last_order_at",
                "last_order_number");
        merchantsOnly.forEach(field -> assertThat(admin.has(field)).as(field).isTrue());
        ObjectNode copy = admin.deepCopy();
        copy.remove(merchantsOnly);
        return copy;
    }

    /** Three addresses, the second the default shipping one. */
    private void fillBook() {
        Fixtures.address(api, shopper);
        String shipping = Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 2")).path("id").asText();
        Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 3", "tags", List.of("BILLING")));
        api.post("/v1/me/addresses/" + shipping + "/default").as(shopper).body(Map.of("type", "shipping")).send()
                .expect(200);
    }

    @Test
    void readWhenSecretKeyOwnerOrSupportThenAsTheShopperSeesTheBook() {
        fillBook();
        JsonNode book = api.get("/v1/me/addresses").as(shopper).send().expect(200).body();
        JsonNode expanded = api.get("/v1/me?expand=addresses").as(shopper).send().expect(200).body();
        assertThat(book.path("data")).hasSize(3);
        assertThat(expanded.path("addresses")).isEqualTo(book.path("data"));

        for (String bearer : List.of(tenant.sk(), StaffFixtures.ownerToken(api, shop),
                StaffFixtures.supportToken(api, shop))) {
            assertThat(book(bearer, shopper.customerId(), "").expect(200).body()).isEqualTo(book);
            assertThat(asTheShopperSeesIt(customer(bearer, shopper.customerId(), "?expand=addresses").expect(200)
                    .body())).isEqualTo(expanded);
        }
    }

    @Test
    void bookWhenPagedThenEveryAddressOnceInTheShoppersOrder() {
        fillBook();
        List<String> own = new ArrayList<>();
        api.get("/v1/me/addresses").as(shopper).send().expect(200).body().path("data")
                .forEach(address -> own.add(address.path("id").asText()));

        JsonNode first = book(tenant.sk(), shopper.customerId(), "?limit=2").expect(200).body();
        String cursor = first.path("next_cursor").asText();
        JsonNode second = book(tenant.sk(), shopper.customerId(), "?limit=2&cursor=" + cursor).expect(200).body();

        List<String> paged = new ArrayList<>();
        first.path("data").forEach(address -> paged.add(address.path("id").asText()));
        second.path("data").forEach(address -> paged.add(address.path("id").asText()));
        assertThat(first.path("data")).hasSize(2);
        assertThat(second.path("next_cursor").isNull()).isTrue();
        assertThat(paged).isEqualTo(own);
    }

    @Test
    void bookWhenEmptyThenEmptyPage() {
        JsonNode page = book(tenant.sk(), shopper.customerId(), "").expect(200).body();

        assertThat(page.path("data")).isEmpty();
        assertThat(page.path("next_cursor").isNull()).isTrue();
    }

    @Test
    void bookWhenUnknownOrAnotherTenantsCustomerThenNotFound() {
        fillBook();
        var other = Fixtures.tenant(api);
        var stranger = Fixtures.shopper(api, other);

        book(tenant.sk(), stranger.customerId(), "").expect(404, "not_found");
        book(other.sk(), shopper.customerId(), "").expect(404, "not_found");
        book(tenant.sk(), "cus_unknown", "").expect(404, "not_found");
        book(tenant.sk(), "cus%20x", "").expect(404, "not_found");
    }

    @Test
    void bookWhenBadLimitOrCursorThenValidationFailed() {
        for (String limit : List.of("0", "101", "ten", "-1")) {
            Problems.assertInvalid(book(tenant.sk(), shopper.customerId(), "?limit=" + limit), "limit",
                    "out_of_range");
        }
        Problems.assertInvalid(book(tenant.sk(), shopper.customerId(), "?cursor=not-a-cursor"), "cursor", "invalid");
    }

    @Test
    void bookWhenPublishableKeyOrShopperTokenThenInsufficientScope() {
        book(tenant.pk(), shopper.customerId(), "").expect(403, "insufficient_scope");
        book(shopper.accessToken(), shopper.customerId(), "").expect(403, "insufficient_scope");
        api.get("/v1/admin/customers/" + shopper.customerId() + "/addresses").send().expect(401, "invalid_api_key");
    }

    @Test
    void customerWhenExpandNamedTwiceOrNotAtAllThenTheBookOnceOrNot() {
        fillBook();
        JsonNode own = api.get("/v1/me?expand=addresses").as(shopper).send().expect(200).body();

        assertThat(asTheShopperSeesIt(customer(tenant.sk(), shopper.customerId(),
                "?expand=addresses&expand=addresses").expect(200).body())).isEqualTo(own);
        assertThat(customer(tenant.sk(), shopper.customerId(), "?expand=").expect(200).body().has("addresses"))
                .isFalse();
        assertThat(customer(tenant.sk(), shopper.customerId(), "").expect(200).body().has("addresses")).isFalse();
    }

    @Test
    void customerWhenExpandUnknownThenValidationFailedAsOnMe() {
        var admin = customer(tenant.sk(), shopper.customerId(), "?expand=addresses,orders");
        var me = api.get("/v1/me?expand=addresses,orders").as(shopper).send();

        Problems.assertInvalid(admin, "expand", "invalid");
        assertThat(admin.body().path("errors")).isEqualTo(me.expect(422).body().path("errors"));
        Problems.assertInvalid(customer(tenant.sk(), "cus_unknown", "?expand=password_hash"), "expand", "invalid");
    }

    @Test
    void customerWhenExpandForUnknownOrAnotherTenantsCustomerThenNotFound() {
        var other = Fixtures.tenant(api);

        customer(other.sk(), shopper.customerId(), "?expand=addresses").expect(404, "not_found");
        customer(tenant.sk(), "cus_unknown", "?expand=addresses").expect(404, "not_found");
        customer(tenant.pk(), shopper.customerId(), "?expand=addresses").expect(403, "insufficient_scope");
    }
}
