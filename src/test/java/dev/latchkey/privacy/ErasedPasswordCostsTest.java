package dev.latchkey.privacy;

import dev.latchkey.credential.HashCost;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shop's stored password costs (what a refused login of the shop waits for) let go of an imported hash's cost once
 * the last customer holding it is erased, whoever erases them: the shopper, the merchant, a merge.
 */
class ErasedPasswordCostsTest extends ApiTest {
    private static final String HASH = OpenBSDBCrypt.generate("2b", "an imported password".toCharArray(),
            "sixteen byte slt".getBytes(StandardCharsets.US_ASCII), 4);
    private static final String COST = HashCost.of(HASH).orElseThrow();

    private String imported(Fixtures.Tenant tenant) {
        return api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password_hash", HASH)).send().expect(201).body()
                .path("id").asText();
    }

    private List<String> costs(Fixtures.Tenant tenant) {
        return server.app.database().read(h -> h.createQuery("SELECT cost FROM tenant_password_costs "
                + "WHERE tenant_id = :tenant").bind("tenant", tenant.id()).mapTo(String.class).list());
    }

    private void delete(Fixtures.Tenant tenant, String customerId) {
        api.delete("/v1/admin/customers/" + customerId).bearer(tenant.sk()).send().expect(204);
    }

    @Test
    void adminDeleteWhenTheLastCustomerWithTheCostGoesThenTheShopForgetsTheCost() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);
        String first = imported(tenant);
        String second = imported(tenant);
        assertThat(costs(tenant)).containsExactly(COST);

        delete(tenant, first);
        assertThat(costs(tenant)).as("the second customer still has a hash of it").containsExactly(COST);

        delete(tenant, second);
        assertThat(costs(tenant)).isEmpty();
    }

    /** A delete refused (another shop's customer) erases nothing and leaves the cost. */
    @Test
    void adminDeleteWhenTheCustomerIsAnotherShopsThenNotFoundAndTheCostStays() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);
        Fixtures.Tenant other = Fixtures.tenant(api);
        String customer = imported(tenant);

        api.delete("/v1/admin/customers/" + customer).bearer(other.sk()).send().expect(404, "not_found");

        assertThat(costs(tenant)).containsExactly(COST);
        api.get("/v1/admin/customers/" + customer).bearer(tenant.sk()).send().expect(200);
    }

    @Test
    void mergeWhenTheDuplicateHeldTheLastHashOfTheCostThenTheShopForgetsTheCost() {
        Fixtures.Tenant tenant = Fixtures.tenant(api);
        Fixtures.Shopper kept = Fixtures.shopper(api, tenant);
        String source = imported(tenant);

        api.post("/v1/admin/customers/" + kept.customerId() + "/merge").bearer(tenant.sk())
                .body(Map.of("source_id", source)).send().expect(200);

        assertThat(costs(tenant)).isEmpty();
    }

    /**
     * The shopper's own deletion. A login with the imported password would replace the hash (and let the cost go by
     * itself), so the shopper's hash is made an imported one behind their session, as an import's would be stored.
     */
    @Test
    void deleteMeWhenTheShopperHeldTheLastHashOfTheCostThenTheShopForgetsTheCost() {
        Fixtures.Tenant tenant = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);
        server.app.database().run(h -> {
            h.createUpdate("UPDATE customers SET password_hash = :hash, password_cost = :cost "
                            + "WHERE tenant_id = :tenant AND id = :id")
                    .bind("hash", HASH).bind("cost", COST).bind("tenant", tenant.id())
                    .bind("id", shopper.customerId()).execute();
            h.createUpdate("INSERT INTO tenant_password_costs (tenant_id, cost) VALUES (:tenant, :cost)")
                    .bind("tenant", tenant.id()).bind("cost", COST).execute();
        });

        api.delete("/v1/me").as(shopper).send().expect(204);

        assertThat(costs(tenant)).isEmpty();
    }
}
