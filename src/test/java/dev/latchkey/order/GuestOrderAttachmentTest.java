package dev.latchkey.order;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest orders follow the verified email, through the real server and real mail: verification, a confirmed email
 * change, a password reset through the emailed link and the merchant's verified import prove an address; nothing else
 * does.
 */
class GuestOrderAttachmentTest extends MailTest {
    private static final String NEW_PASSWORD = "a brand new passphrase";

    private static String customerOf(OrderCalls orders, String number) {
        return orders.adminGet(number).expect(200).str("customer_id");
    }

    @Test
    void guestOrderWhenOwnerRegistersThenAttachedOnlyOnceTheEmailIsVerified() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        String email = Fixtures.uniqueEmail();
        String number = orders.guest(" " + email.toUpperCase() + " ");

        var registered = register(tenant, email, Map.of("verification_url", SHOP)).expect(201);
        String accessToken = registered.str("access_token");
        String customerId = registered.body().path("customer").path("id").asText();
        assertThat(orders.mine(accessToken)).isEmpty();
        orders.mineGet(accessToken, number).expect(404, "not_found");
        assertThat(customerOf(orders, number)).isNull();

        verify(tenant, Map.of("token", TestSmtp.token(smtp.awaitOne(email)))).expect(200);

        assertThat(orders.mine(accessToken)).containsExactly(number);
        var order = orders.mineGet(accessToken, number).expect(200);
        assertThat(order.str("customer_id")).isEqualTo(customerId);
        assertThat(order.str("email")).isEqualTo(email);
        assertThat(order.body().path("lines").get(0).path("sku").asText()).isEqualTo("MUG-1");
        assertThat(customerOf(orders, number)).isEqualTo(customerId);
        var export = api.get("/v1/me/export").key(tenant.pk()).bearer(accessToken).send().expect(200);
        assertThat(export.body().path("orders").findValuesAsText("number")).containsExactly(number);
    }

    @Test
    void orderWhenEmailBelongsToVerifiedCustomerThenAttachedAtCreation() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = verifiedShopper(tenant);

        var created = orders.create(OrderCalls.body(OrderCalls.number(), shopper.email().toUpperCase())).expect(201);

        assertThat(created.str("customer_id")).isEqualTo(shopper.customerId());
        assertThat(orders.mine(shopper.accessToken())).containsExactly(created.str("number"));
    }

    @Test
    void emailChangeConfirmedThenGuestOrdersOfTheNewAddressAttached() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();
        String forNewAddress = orders.guest(newEmail);
        String forOldAddress = orders.guest(shopper.email());

        changeEmail(shopper, Map.of("new_email", newEmail, "password", shopper.password())).expect(202);
        String token = TestSmtp.token(smtp.awaitOne(newEmail));
        assertThat(orders.mine(shopper.accessToken())).as("before the confirmation").isEmpty();

        confirmEmail(tenant, token).expect(200);

        assertThat(orders.mine(shopper.accessToken())).containsExactly(forNewAddress);
        orders.mineGet(shopper.accessToken(), forNewAddress).expect(200);
        // The old address was never proven: its guest order belongs to nobody.
        assertThat(customerOf(orders, forOldAddress)).isNull();
    }

    @Test
    void passwordResetThroughTheMailThenAddressVerifiedAndGuestOrdersAttached() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        String number = orders.guest(shopper.email());
        assertThat(orders.mine(shopper.accessToken())).isEmpty();

        var result = reset(tenant, resetToken(tenant, shopper.email()), NEW_PASSWORD).expect(200);

        assertThat(result.body().path("customer").path("email_verified").asBoolean()).isTrue();
        assertThat(orders.mine(result.str("access_token"))).containsExactly(number);
        assertThat(customerOf(orders, number)).isEqualTo(shopper.customerId());
    }

    @Test
    void customerWhoNeverVerifiesThenNeverGetsTheGuestOrders() {
        var tenant = shop(Map.of("email_interval", 0));
        var orders = new OrderCalls(api, tenant);
        String before = orders.guest(Fixtures.uniqueEmail());
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Ada"));
        String placedBefore = orders.guest(shopper.email());
        String placedAfter = orders.guest(shopper.email());

        // Everything a shopper can do short of proving the address: profile, password, new sessions, mails unused.
        api.patch("/v1/me").as(shopper).body(Map.of("first_name", "Grace", "last_name", "Hopper")).send().expect(200);
        changePassword(shopper, Map.of("current_password", shopper.password(), "new_password", NEW_PASSWORD))
                .expect(204);
        var again = Fixtures.login(api, tenant, shopper.email(), NEW_PASSWORD);
        api.post("/v1/auth/verify-email/resend").key(tenant.pk()).body(Map.of("email", shopper.email())).send()
                .expect(202);
        forgot(tenant, Map.of("email", shopper.email())).expect(202);
        String elsewhere = Fixtures.uniqueEmail();
        changeEmail(again, Map.of("new_email", elsewhere, "password", NEW_PASSWORD)).expect(202);
        String forElsewhere = orders.guest(elsewhere);

        var renewed = api.post("/v1/auth/renew").as(again).send().expect(200);
        assertThat(renewed.body().path("customer").path("email_verified").asBoolean()).isFalse();
        String latest = renewed.str("access_token");
        assertThat(orders.mine(latest)).isEmpty();
        for (String number : new String[] {before, placedBefore, placedAfter, forElsewhere}) {
            assertThat(customerOf(orders, number)).as(number).isNull();
            orders.mineGet(latest, number).expect(404, "not_found");
        }
    }

    @Test
    void verifiedCustomerMovesAwayThenOnlyLaterGuestOrdersGoToTheAddressesNextOwner() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        String email = Fixtures.uniqueEmail();
        String firstToken = verificationToken(tenant, email);
        verify(tenant, Map.of("token", firstToken)).expect(200);
        var first = Fixtures.login(api, tenant, email, Fixtures.PASSWORD);
        String firstOwners = orders.guest(email);
        moveTo(first, Fixtures.uniqueEmail());
        String afterMove = orders.guest(email);
        assertThat(customerOf(orders, afterMove)).as("the address belongs to nobody now").isNull();

        var next = register(tenant, email, Map.of("verification_url", SHOP)).expect(201);
        String nextToken = smtp.awaitNewToken(email, "Confirm your email", firstToken);
        verify(tenant, Map.of("token", nextToken)).expect(200);

        assertThat(orders.mine(next.str("access_token"))).containsExactly(afterMove);
        assertThat(orders.mine(first.accessToken())).containsExactly(firstOwners);
    }

    @Test
    void merchantCreatesCustomerWithVerifiedEmailThenGuestOrdersAttached() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        String verifiedEmail = Fixtures.uniqueEmail();
        String unverifiedEmail = Fixtures.uniqueEmail();
        String forVerified = orders.guest(verifiedEmail);
        String forUnverified = orders.guest(unverifiedEmail);

        var created = api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", verifiedEmail,
                "password", Fixtures.PASSWORD, "email_verified", true)).send().expect(201);
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", unverifiedEmail,
                "password", Fixtures.PASSWORD)).send().expect(201);

        assertThat(customerOf(orders, forVerified)).isEqualTo(created.str("id"));
        assertThat(AuditEvents.of(api, tenant, created.str("id"), "email.verified")).hasSize(1);
        assertThat(orders.mine(Fixtures.login(api, tenant, verifiedEmail, Fixtures.PASSWORD).accessToken()))
                .containsExactly(forVerified);
        assertThat(customerOf(orders, forUnverified)).isNull();
    }

    @Test
    void orderRecordedWhileTheAddressIsVerifiedThenAttachedWhicheverCommitsFirst() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        for (int round = 0; round < 12; round++) {
            String email = Fixtures.uniqueEmail();
            String token = verificationToken(tenant, email);
            String number = OrderCalls.number();

            var answers = Concurrently.all(List.of(() -> verify(tenant, Map.of("token", token)),
                    () -> orders.create(OrderCalls.body(number, email))));

            String customerId = answers.get(0).expect(200).body().path("customer").path("id").asText();
            answers.get(1).expect(201);
            assertThat(customerOf(orders, number)).as("round %d", round).isEqualTo(customerId);
        }
    }

    /**
     * Guest orders recorded while an address becomes a customer's verified one, by each way that writes the address
     * and its proof in one transaction (the new customer row, or its new email, is not committed while the orders
     * look for their owner): every order ends up attached, whichever transaction commits last.
     */
    @Test
    void ordersRecordedWhileTheAddressBecomesVerifiedThenEveryOneIsAttached() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        Map<String, Function<String, Callable<Api.Res>>> ways = Map.of(
                "the merchant creates the customer verified", email -> () -> api.post("/v1/admin/customers")
                        .bearer(tenant.sk()).body(Map.of("email", email, "password", Fixtures.PASSWORD,
                                "email_verified", true)).send(),
                "the merchant changes a customer's email, verified", email -> {
                    String id = api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email",
                            Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201).str("id");
                    return () -> api.patch("/v1/admin/customers/" + id).bearer(tenant.sk())
                            .body(Map.of("email", email, "email_verified", true)).send();
                },
                "the shopper confirms an email change", email -> {
                    var shopper = Fixtures.shopper(api, tenant);
                    changeEmail(shopper, Map.of("new_email", email, "password", shopper.password())).expect(202);
                    String token = TestSmtp.token(smtp.awaitOne(email));
                    return () -> confirmEmail(tenant, token);
                });
        List<String> unattached = new ArrayList<>();
        int recorded = 0;
        for (var way : ways.entrySet()) {
            for (int round = 0; round < 6; round++) {
                String email = Fixtures.uniqueEmail();
                List<Callable<Api.Res>> calls = new ArrayList<>(List.of(way.getValue().apply(email)));
                List<String> numbers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String number = OrderCalls.number();
                    numbers.add(number);
                    calls.add(() -> orders.create(OrderCalls.body(number, email)));
                }

                var answers = Concurrently.all(calls);

                var verified = answers.get(0);
                assertThat(verified.status()).as(verified.raw()).isIn(200, 201);
                // the merchant's calls answer the Customer, the shopper's confirmation {"customer": Customer}
                String customerId = verified.body().path("customer").path("id").asText(verified.str("id"));
                for (int i = 0; i < numbers.size(); i++) {
                    String answered = answers.get(i + 1).expect(201).str("customer_id");
                    assertThat(answered).as("the answer's owner").isIn(null, customerId);
                    recorded++;
                    if (!customerId.equals(customerOf(orders, numbers.get(i)))) {
                        unattached.add(way.getKey() + ", round " + round + ": " + numbers.get(i));
                    }
                }
            }
        }
        assertThat(unattached).as("guest orders left unattached, of %d", recorded).isEmpty();
    }

    @Test
    void emailVerifiedInAnotherTenantThenGuestOrderStaysAGuestOrder() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        String email = Fixtures.uniqueEmail();
        String before = orders.guest(email);

        verify(other, Map.of("token", verificationToken(other, email))).expect(200);
        String after = orders.guest(email);

        assertThat(customerOf(orders, before)).isNull();
        assertThat(customerOf(orders, after)).isNull();
        var elsewhere = Fixtures.login(api, other, email, Fixtures.PASSWORD);
        assertThat(new OrderCalls(api, other).mine(elsewhere.accessToken())).isEmpty();
    }
}
