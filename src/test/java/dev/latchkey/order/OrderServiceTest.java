package dev.latchkey.order;

import dev.latchkey.cluster.LocalInvalidations;
import dev.latchkey.credential.HashingPool;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerStore;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.db.Database;
import dev.latchkey.http.Json;
import dev.latchkey.http.JsonInput;
import dev.latchkey.tenant.SettingsValidator;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.tenant.TenantStore;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hook that email verification and email-change confirmation call. Until they exist, only its refusal can be shown
 * without writing email_verified behind the service's back.
 */
class OrderServiceTest {
    private static Database db;
    private static CustomerService customers;
    private static OrderService orders;
    private static String tenantId;

    @BeforeAll
    static void open() {
        var config = TestServer.config(TestDatabases.create(), Map.of());
        db = Database.open(config);
        var mapper = Json.mapper();
        var tenants = new TenantService(db, new TenantStore(mapper), new SettingsValidator(mapper), Clock.systemUTC(),
                new LocalInvalidations());
        tenantId = tenants.create(Fixtures.uniqueId("t"), "Test Shop", mapper.createObjectNode()).tenant().id();
        var hasher = new PasswordHasher(config.argon2(), new HashingPool(1, 4));
        customers = new CustomerService(db, new CustomerStore(), hasher, Clock.systemUTC());
        orders = new OrderService(db, customers, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static String guestOrder(String email) {
        String number = OrderCalls.number();
        orders.create(tenantId, new NewOrder(number, email, null, OrderStatus.PAID, "EUR", new BigDecimal("9.95"),
                List.of(new OrderLine("MUG-1", "Blue mug", 1, new BigDecimal("9.95"))), OrderCalls.PLACED));
        return number;
    }

    private static String unverifiedCustomer(String email) {
        var profile = ProfileInput.read(JsonInput.of(Json.mapper().createObjectNode()), Json.mapper());
        return customers.register(tenantId, TenantSettings.DEFAULTS, email, Fixtures.PASSWORD, profile).customer().id();
    }

    @Test
    void attachGuestOrdersWhenEmailUnverifiedThenRefusedAndOrderStaysGuest() {
        String email = Fixtures.uniqueEmail();
        String number = guestOrder(email);
        String customerId = unverifiedCustomer(email);

        assertThatThrownBy(() -> db.tx(h -> orders.attachGuestOrders(h, tenantId, customerId, email)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(orders.get(tenantId, number).customerId()).isNull();
    }

    @Test
    void attachGuestOrdersWhenEmailIsNotTheCustomersThenRefused() {
        String customerId = unverifiedCustomer(Fixtures.uniqueEmail());
        String otherEmail = Fixtures.uniqueEmail();
        String number = guestOrder(otherEmail);

        assertThatThrownBy(() -> db.tx(h -> orders.attachGuestOrders(h, tenantId, customerId, otherEmail)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(orders.get(tenantId, number).customerId()).isNull();
    }
}
