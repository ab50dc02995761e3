package dev.latchkey.privacy;

import dev.latchkey.cluster.Invalidation;
import dev.latchkey.order.OrderCalls;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.TestSmtp;
import dev.latchkey.testing.Tokens;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Account deletion confirmed with the token from the real confirmation mail (the tenant's default setting). */
class DeletionConfirmationTest extends MailTest {
    private static final String SUBJECT = "Confirm the deletion";

    private static Api.Res delete(Fixtures.Shopper shopper, String token) {
        return api.delete("/v1/me" + (token == null ? "" : "?token=" + token)).as(shopper).send();
    }

    /** Asks for the deletion and returns the token of the mail that asks to confirm it. */
    private static String deletionToken(Fixtures.Shopper shopper) {
        delete(shopper, null).expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email(), SUBJECT);
        String token = TestSmtp.token(mail);
        assertThat(token).startsWith("del_");
        return token;
    }

    private static int emailTokensOf(Fixtures.Shopper shopper) {
        return server.app.database().read(h -> h.createQuery(
                        "SELECT COUNT(*) FROM email_tokens WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", shopper.tenant().id()).bind("customer", shopper.customerId())
                .mapTo(Integer.class).one());
    }

    private static void assertNotErased(Fixtures.Shopper shopper, OrderCalls orders, String order) {
        api.get("/v1/me").as(shopper).send().expect(200);
        Fixtures.login(api, shopper.tenant(), shopper.email(), shopper.password());
        assertThat(orders.adminGet(order).expect(200).str("customer_id")).isEqualTo(shopper.customerId());
    }

    @Test
    void deleteThenMailedTokenErasesAccountAndOrdersStayWithoutPersonalData() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = verifiedShopper(tenant);
        var laptop = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        Fixtures.address(api, shopper);
        String own = orders.createFor(shopper.customerId(), OrderCalls.PLACED);
        String guest = orders.guest(shopper.email());
        // An order the merchant gave another customer, placed with this address: not this customer's to erase.
        var other = Fixtures.shopper(api, tenant);
        Map<String, Object> othersBody = OrderCalls.body(OrderCalls.number(), shopper.email());
        othersBody.put("customer_id", other.customerId());
        String othersOrder = orders.create(othersBody).expect(201).str("number");
        String outstandingReset = resetToken(tenant, shopper.email());

        delete(shopper, null).expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email(), SUBJECT);
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.text(mail)).contains(SHOP + "?token=" + token).contains(shopper.email());
        api.get("/v1/me").as(shopper).send().expect(200);

        delete(shopper, token).expect(204);

        for (var session : new Fixtures.Shopper[] {shopper, laptop}) {
            api.get("/v1/me").as(session).send().expect(401, "invalid_token");
            Tokens.assertRefused(api, tenant, session.accessToken());
            Tokens.refresh(api, tenant, session.refreshToken()).expect(401);
        }
        login(tenant, shopper.email(), shopper.password()).expect(401, "invalid_credentials");
        api.get("/v1/me/export").as(shopper).send().expect(401, "invalid_token");
        for (String number : new String[] {own, guest}) {
            var order = orders.adminGet(number).expect(200);
            assertThat(order.str("email")).as(number).isEmpty();
            assertThat(order.str("customer_id")).as(number).isNull();
            assertThat(order.body().path("lines")).as(number).hasSize(1);
        }
        var othersAfter = orders.adminGet(othersOrder).expect(200);
        assertThat(othersAfter.str("customer_id")).isEqualTo(other.customerId());
        assertThat(othersAfter.str("email")).isEqualTo(shopper.email());
        assertThat(emailTokensOf(shopper)).isZero();
        assertThat(Outboxes.count(server, shopper.email())).as("the confirmation and reset mails").isZero();
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "customer.deleted").path("data")
                .path("by").asText()).isEqualTo("customer");
        reset(tenant, outstandingReset, "a brand new passphrase").expect(400, "invalid_token");
        // The confirmation is used up with the account: its bearer token died, so the answer is 401.
        delete(shopper, token).expect(401, "invalid_token");
    }

    @Test
    void deleteConfirmedThenTheEmailRegistersAFreshAccount() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = verifiedShopper(tenant);
        orders.guest(shopper.email());
        String token = deletionToken(shopper);
        List<Invalidation> published = Publications.of(server, tenant.id());
        delete(shopper, token).expect(204);
        // the removal of the row and the end of the sessions have every node forget the customer: once
        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                shopper.customerId()));

        var again = register(tenant, shopper.email(), Map.of("first_name", "Fresh")).expect(201);
        var reborn = Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);

        assertThat(again.body().path("customer").path("id").asText()).isNotEqualTo(shopper.customerId());
        assertThat(again.body().path("customer").path("email_verified").asBoolean()).isFalse();
        var export = api.get("/v1/me/export").as(reborn).send().expect(200).body();
        assertThat(export.path("orders")).isEmpty();
        assertThat(export.path("addresses")).isEmpty();
        assertThat(orders.mine(reborn.accessToken())).isEmpty();
        // The old confirmation was the erased account's: it does not touch the new one.
        delete(reborn, token).expect(400, "invalid_token");
        api.get("/v1/me").as(reborn).send().expect(200);
    }

    @Test
    void deleteWhenTheShopMovedTheAccountToAnotherAddressThenTheMailedTokenNoLongerWorks() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String token = deletionToken(shopper);

        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail())).send().expect(200);

        delete(shopper, token).expect(400, "invalid_token");
        api.get("/v1/me").as(shopper).send().expect(200);
    }

    @Test
    void deleteWhenAddressNeverVerifiedThenGuestOrdersOfItAreNotTheCustomersToErase() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        String guest = orders.guest(shopper.email());
        String own = orders.createFor(shopper.customerId(), OrderCalls.PLACED);

        delete(shopper, deletionToken(shopper)).expect(204);

        var untouched = orders.adminGet(guest).expect(200);
        assertThat(untouched.str("email")).isEqualTo(shopper.email());
        assertThat(untouched.str("customer_id")).isNull();
        assertThat(orders.adminGet(own).expect(200).str("email")).isEmpty();
    }

    @Test
    void deleteWhenWrongTokenThenInvalidTokenAndNothingErased() {
        var tenant = shop(Map.of());
        var orders = new OrderCalls(api, tenant);
        var shopper = verifiedShopper(tenant);
        var other = verifiedShopper(tenant);
        String order = orders.guest(shopper.email());
        String token = deletionToken(shopper);
        String othersToken = deletionToken(other);

        delete(shopper, "del_" + "A".repeat(43)).expect(400, "invalid_token");
        delete(shopper, othersToken).expect(400, "invalid_token");
        delete(shopper, token.substring(0, token.length() - 1)).expect(400, "invalid_token");

        assertNotErased(shopper, orders, order);
        api.get("/v1/me").as(other).send().expect(200);
        delete(shopper, token).expect(204);
        api.get("/v1/me").as(other).send().expect(200);
    }

    @Test
    void deleteWhenTokenExpiredThenTokenExpiredAndNothingErased() {
        var tenant = shop(Map.of("verification_ttl", 60));
        var orders = new OrderCalls(api, tenant);
        var shopper = verifiedShopper(tenant);
        String order = orders.guest(shopper.email());
        delete(shopper, null).expect(202);
        MimeMessage mail = smtp.awaitOne(shopper.email(), SUBJECT);
        assertThat(TestSmtp.text(mail)).contains("expires in 1 minute");

        server.clock.advance(Duration.ofSeconds(61));
        delete(shopper, TestSmtp.token(mail)).expect(400, "token_expired");

        assertNotErased(shopper, orders, order);
        delete(shopper, null).expect(202);
        String fresh = smtp.awaitNewToken(shopper.email(), SUBJECT, TestSmtp.token(mail));
        delete(shopper, TestSmtp.token(mail)).expect(400, "invalid_token");
        delete(shopper, fresh).expect(204);
    }

    @Test
    void deleteWhenAskedAgainWithinEmailIntervalThenSameAnswerButNoNewTokenAndNoMail() {
        var tenant = shop(Map.of("email_interval", 60));
        var shopper = Fixtures.shopper(api, tenant);
        var first = delete(shopper, null).expect(202);
        String token = TestSmtp.token(smtp.awaitOne(shopper.email(), SUBJECT));

        for (int i = 0; i < 5; i++) {
            assertThat(delete(shopper, null).expect(202).raw()).isEqualTo(first.raw());
        }
        server.clock.advance(Duration.ofSeconds(59));
        delete(shopper, null).expect(202);

        assertThat(queuedTo(shopper.email())).as("mail queued for the address").isEqualTo(1);
        // The mailed token was not replaced by the requests that sent nothing: it still erases the account.
        delete(shopper, token).expect(204);
    }

    @Test
    void deleteWhenTenantHasNoAllowedOriginThenMailCarriesTheTokenAlone() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", "Ada"));
        String token = deletionToken(shopper);
        String text = TestSmtp.text(smtp.awaitOne(shopper.email(), SUBJECT));
        assertThat(text).contains("Hello Ada").contains(token).doesNotContain("http");
        delete(shopper, token).expect(204);
    }
}
