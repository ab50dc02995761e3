package dev.latchkey.cart;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class CartClaimTest extends ApiTest {
    private Fixtures.Tenant tenant = Fixtures.tenant(api);
    private CartCalls carts = new CartCalls(api, tenant);

    private void useStrategy(String strategy) {
        tenant = Fixtures.tenant(api, Map.of("cart_merge_strategy", strategy));
        carts = new CartCalls(api, tenant);
    }

    private static Map<String, Integer> items(Object... skuThenQuantity) {
        Map<String, Integer> items = new LinkedHashMap<>();
        for (int i = 0; i < skuThenQuantity.length; i += 2) {
            items.put((String) skuThenQuantity[i], (Integer) skuThenQuantity[i + 1]);
        }
        return items;
    }

    private Api.Res login(Fixtures.Shopper shopper, String cartId, String anonymousToken) {
        Map<String, Object> body = new HashMap<>(Map.of("email", shopper.email(), "password", shopper.password()));
        if (cartId != null) {
            body.put("cart_id", cartId);
        }
        var call = api.post("/v1/auth/login").key(tenant.pk()).body(body);
        if (anonymousToken != null) {
            call.bearer(anonymousToken);
        }
        return call.send().expect(200);
    }

    /** Logs in with a guest cart holding {@code guest}, the customer's cart holding {@code mine}; returns its items. */
    private Map<String, Integer> claim(Map<String, Integer> mine, Map<String, Integer> guest) {
        var shopper = Fixtures.shopper(api, tenant);
        String customerCart = carts.cartWith(shopper.accessToken(), mine);
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, guest);

        var res = login(shopper, guestCart, anonymous);
        assertThat(res.str("cart_id")).isEqualTo(customerCart);
        carts.get(anonymous, guestCart).expect(404, "not_found");
        carts.put(anonymous, guestCart, "LATE", 1).expect(404, "not_found");
        return CartCalls.items(carts.get(res.str("access_token"), customerCart).expect(200));
    }

    @Test
    void loginWhenMergeThenQuantitiesAddUpAndGuestCartClosed() {
        assertThat(claim(items("A", 2, "B", 1), items("A", 3, "C", 4)))
                .containsExactly(Map.entry("A", 5), Map.entry("B", 1), Map.entry("C", 4));
    }

    @Test
    void loginWhenMergeAndGuestItemsWereAddedFirstThenNewSkusStillFollowTheCustomersInTheGuestCartsOrder() {
        var shopper = Fixtures.shopper(api, tenant);
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, items("GUEST-2", 1, "GUEST-1", 1, "MINE-1", 1));
        server.clock.advance(Duration.ofMinutes(5));
        String customerCart = carts.cartWith(shopper.accessToken(), items("MINE-1", 1, "MINE-2", 1));

        login(shopper, guestCart, anonymous);

        assertThat(CartCalls.items(carts.get(shopper.accessToken(), customerCart).expect(200))).containsExactly(
                Map.entry("MINE-1", 2), Map.entry("MINE-2", 1), Map.entry("GUEST-2", 1), Map.entry("GUEST-1", 1));
        // and a SKU added afterwards comes last
        assertThat(CartCalls.items(carts.put(shopper.accessToken(), customerCart, "LATER", 1).expect(200)).keySet())
                .containsExactly("MINE-1", "MINE-2", "GUEST-2", "GUEST-1", "LATER");
    }

    @Test
    void loginWhenMergeAndSumAbove999ThenCapped() {
        assertThat(claim(items("A", 998), items("A", 5))).containsExactly(Map.entry("A", 999));
    }

    @Test
    void loginWhenReplaceThenGuestItemsReplaceCustomers() {
        useStrategy("replace");
        assertThat(claim(items("A", 2, "B", 1), items("A", 3, "C", 4)))
                .containsExactly(Map.entry("A", 3), Map.entry("C", 4));
    }

    @Test
    void loginWhenReplaceAndGuestCartEmptyThenCustomerItemsStay() {
        useStrategy("replace");
        assertThat(claim(items("A", 2), items())).containsExactly(Map.entry("A", 2));
    }

    @Test
    void loginWhenKeepAndCustomerCartHasItemsThenCustomerItemsStay() {
        useStrategy("keep");
        assertThat(claim(items("A", 2, "B", 1), items("A", 3, "C", 4)))
                .containsExactly(Map.entry("A", 2), Map.entry("B", 1));
    }

    @Test
    void loginWhenKeepAndCustomerCartEmptyThenGuestItemsTaken() {
        useStrategy("keep");
        assertThat(claim(items(), items("A", 3, "C", 4))).containsExactly(Map.entry("A", 3), Map.entry("C", 4));
    }

    @Test
    void loginWhenCustomerHasNoCartThenGuestItemsMoveIntoNewCustomerCart() {
        var shopper = Fixtures.shopper(api, tenant);
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, items("A", 3));

        var res = login(shopper, guestCart, anonymous);
        String cartId = res.str("cart_id");
        assertThat(cartId).startsWith("cart_").isNotEqualTo(guestCart);
        var cart = carts.get(res.str("access_token"), cartId).expect(200);
        assertThat(cart.str("customer_id")).isEqualTo(shopper.customerId());
        assertThat(CartCalls.items(cart)).containsExactly(Map.entry("A", 3));
        assertThat(Instant.parse(cart.str("updated_at"))).isAfterOrEqualTo(Instant.parse(cart.str("created_at")));
    }

    @Test
    void loginWhenCustomerHasNoCartAndGuestCartEmptyThenNoCartIsOpened() {
        for (String strategy : List.of("merge", "replace", "keep")) {
            useStrategy(strategy);
            var shopper = Fixtures.shopper(api, tenant);
            String anonymous = carts.anonymous();
            String guestCart = carts.cartWith(anonymous, items());

            var res = login(shopper, guestCart, anonymous);

            assertThat(res.body().path("cart_id").isNull()).as(strategy).isTrue();
            carts.get(anonymous, guestCart).expect(404, "not_found");
            int customerCarts = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM carts "
                    + "WHERE tenant_id = :tenant AND customer_id = :customer AND id <> :guest").bind("tenant", tenant.id())
                    .bind("guest", guestCart)
                    .bind("customer", shopper.customerId()).mapTo(Integer.class).one());
            assertThat(customerCarts).as(strategy).isZero();
        }
    }

    @Test
    void registerWithGuestCartThenItemsInNewCustomersCart() {
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, items("A", 3));
        var res = api.post("/v1/customers").key(tenant.pk()).bearer(anonymous)
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "cart_id", guestCart))
                .send().expect(201);
        String cartId = res.str("cart_id");
        assertThat(cartId).startsWith("cart_");
        assertThat(CartCalls.items(carts.get(res.str("access_token"), cartId))).containsExactly(Map.entry("A", 3));
        carts.get(anonymous, guestCart).expect(404, "not_found");
    }

    @Test
    void registerWhenVerificationRequiredThenGuestKeepsCart() {
        tenant = Fixtures.tenant(api, Map.of("require_email_verification", true));
        carts = new CartCalls(api, tenant);
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, items("A", 3));
        var res = api.post("/v1/customers").key(tenant.pk()).bearer(anonymous)
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "cart_id", guestCart))
                .send().expect(201);
        assertThat(res.str("next_step")).isEqualTo("verify_email");
        assertThat(CartCalls.items(carts.get(anonymous, guestCart).expect(200))).containsExactly(Map.entry("A", 3));
    }

    @Test
    void loginWithOtherSessionsCartThenIgnoredAndOwnerKeepsIt() {
        var shopper = Fixtures.shopper(api, tenant);
        String owner = carts.anonymous();
        String ownersCart = carts.cartWith(owner, items("A", 3));

        var res = login(shopper, ownersCart, carts.anonymous());
        assertThat(res.body().path("cart_id").isNull()).isTrue();
        assertThat(CartCalls.items(carts.get(owner, ownersCart).expect(200))).containsExactly(Map.entry("A", 3));
    }

    @Test
    void loginWithGuestCartButNoOrDeadAnonymousTokenThenIgnored() {
        var shopper = Fixtures.shopper(api, tenant);
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, items("A", 3));

        assertThat(login(shopper, guestCart, null).body().path("cart_id").isNull()).isTrue();
        assertThat(login(shopper, guestCart, "anon_notarealtoken").body().path("cart_id").isNull()).isTrue();
        assertThat(login(shopper, guestCart, shopper.accessToken()).body().path("cart_id").isNull()).isTrue();
        carts.get(anonymous, guestCart).expect(200);
    }

    @Test
    void loginWithAnotherCustomersCartThenIgnored() {
        var owner = Fixtures.shopper(api, tenant);
        String ownersCart = carts.cartWith(owner.accessToken(), items("A", 3));
        var shopper = Fixtures.shopper(api, tenant);

        var res = login(shopper, ownersCart, carts.anonymous());
        assertThat(res.body().path("cart_id").isNull()).isTrue();
        assertThat(CartCalls.items(carts.get(owner.accessToken(), ownersCart))).containsExactly(Map.entry("A", 3));
    }

    @Test
    void loginWithOtherTenantsCartThenIgnored() {
        var otherCarts = new CartCalls(api, Fixtures.tenant(api));
        String otherAnonymous = otherCarts.anonymous();
        String otherCart = otherCarts.cartWith(otherAnonymous, items("A", 3));
        var shopper = Fixtures.shopper(api, tenant);

        var res = login(shopper, otherCart, carts.anonymous());
        assertThat(res.body().path("cart_id").isNull()).isTrue();
        otherCarts.get(otherAnonymous, otherCart).expect(200);
    }

    @Test
    void loginWithoutCartIdWhenCustomerHasCartThenCartIdOfThatCart() {
        var shopper = Fixtures.shopper(api, tenant);
        assertThat(shopper.authResult().path("cart_id").isNull()).isTrue();
        String cartId = carts.open(shopper.accessToken());

        var res = login(shopper, null, null);
        assertThat(res.str("cart_id")).isEqualTo(cartId);
        var refreshed = api.post("/v1/auth/refresh").key(tenant.pk())
                .body(Map.of("refresh_token", res.str("refresh_token"))).send().expect(200);
        assertThat(refreshed.str("cart_id")).isEqualTo(cartId);
        var renewed = api.post("/v1/auth/renew").key(tenant.pk()).bearer(refreshed.str("access_token")).send()
                .expect(200);
        assertThat(renewed.str("cart_id")).isEqualTo(cartId);
    }

    @Test
    void loginTwiceWithSameCartThenMergedOnce() {
        var shopper = Fixtures.shopper(api, tenant);
        String anonymous = carts.anonymous();
        String guestCart = carts.cartWith(anonymous, items("A", 3));

        String cartId = login(shopper, guestCart, anonymous).str("cart_id");
        var again = login(shopper, guestCart, anonymous);
        assertThat(again.str("cart_id")).isEqualTo(cartId);
        assertThat(CartCalls.items(carts.get(again.str("access_token"), cartId))).containsExactly(Map.entry("A", 3));
    }

    @Test
    void concurrentLoginsWithSameCartThenMergedOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            var shopper = Fixtures.shopper(api, tenant);
            String customerCart = carts.cartWith(shopper.accessToken(), items("A", 1));
            String anonymous = carts.anonymous();
            String guestCart = carts.cartWith(anonymous, items("A", 10, "B", 2));

            var start = new CountDownLatch(1);
            List<CompletableFuture<Api.Res>> logins = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                logins.add(CompletableFuture.supplyAsync(
                        () -> awaitThen(start, () -> login(shopper, guestCart, anonymous))));
            }
            start.countDown();
            for (var login : logins) {
                assertThat(login.get().str("cart_id")).isEqualTo(customerCart);
            }
            assertThat(CartCalls.items(carts.get(shopper.accessToken(), customerCart)))
                    .as("round %d", round).containsExactly(Map.entry("A", 11), Map.entry("B", 2));
        }
    }

    @Test
    void concurrentLoginsWhenCustomerHasNoCartThenOneCustomerCart() throws Exception {
        var shopper = Fixtures.shopper(api, tenant);
        String first = carts.anonymous();
        String second = carts.anonymous();
        String firstCart = carts.cartWith(first, items("A", 1));
        String secondCart = carts.cartWith(second, items("A", 2));

        var start = new CountDownLatch(1);
        var a = CompletableFuture.supplyAsync(() -> awaitThen(start, () -> login(shopper, firstCart, first)));
        var b = CompletableFuture.supplyAsync(() -> awaitThen(start, () -> login(shopper, secondCart, second)));
        start.countDown();
        String cartId = a.get().str("cart_id");
        assertThat(b.get().str("cart_id")).isEqualTo(cartId);
        assertThat(CartCalls.items(carts.get(shopper.accessToken(), cartId))).containsExactly(Map.entry("A", 3));
    }

    private static <T> T awaitThen(CountDownLatch start, java.util.function.Supplier<T> work) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return work.get();
    }
}
