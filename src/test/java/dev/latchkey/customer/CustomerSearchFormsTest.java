package dev.latchkey.customer;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search reads the same pages whether it collects the matches from the indexes or walks the customers to them (as
 * the number of matches decides, on either database): each match once, newest first, with the status filter and the
 * cursor.
 */
class CustomerSearchFormsTest extends ApiTest {
    private final Database db = server.app.database();
    private final CustomerStore walking = new CustomerStore(db.isPostgres(), 1);
    private final CustomerStore collecting = new CustomerStore(db.isPostgres(), Integer.MAX_VALUE);

    @Test
    void listWhenATermIsSearchedByEitherFormThenTheSamePagesNewestFirst() {
        var tenant = Fixtures.tenant(api);
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> name : List.<Map<String, Object>>of(Map.of("first_name", "Anna", "last_name", "Berg"),
                Map.of("first_name", "Bert", "last_name", "Annandale"),
                Map.of("first_name", "Cleo", "last_name", "Dahl"),
                Map.of("first_name", "Annika", "last_name", "Ek"),
                Map.of("first_name", "Dan", "last_name", "Anno"))) {
            ids.add(Fixtures.shopper(api, tenant, name).customerId());
        }
        api.patch("/v1/admin/customers/" + ids.get(3)).bearer(tenant.sk()).body(Map.of("status", "disabled")).send()
                .expect(200);
        // two registrations may share a millisecond: the id decides then, as in the listing
        List<String> annNewestFirst = newestFirst(tenant.id(),
                List.of(ids.get(0), ids.get(1), ids.get(3), ids.get(4)));
        List<String> activeAnnNewestFirst = newestFirst(tenant.id(), List.of(ids.get(0), ids.get(1), ids.get(4)));

        for (CustomerStore store : List.of(walking, collecting)) {
            assertThat(pages(store, tenant.id(), new CustomerFilter("ann", null), 3))
                    .containsExactlyElementsOf(annNewestFirst);
            assertThat(pages(store, tenant.id(), new CustomerFilter("ann", null), 1))
                    .containsExactlyElementsOf(annNewestFirst);
            assertThat(pages(store, tenant.id(), new CustomerFilter("ANN", Customer.Status.ACTIVE), 2))
                    .containsExactlyElementsOf(activeAnnNewestFirst);
            assertThat(pages(store, tenant.id(), new CustomerFilter("zz", null), 2)).isEmpty();
        }
    }

    @Test
    void listWhenTagsAreFilteredByEitherFormThenTheSamePagesNewestFirst() {
        var tenant = Fixtures.tenant(api);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", Fixtures.uniqueEmail(),
                    "first_name", i % 2 == 0 ? "Anna" : "Bert", "tags", i % 3 == 0 ? List.of("VIP", "b2b")
                            : List.of("vip"))).send().expect(201).str("id"));
        }
        List<String> vips = newestFirst(tenant.id(), ids);
        List<String> both = newestFirst(tenant.id(), List.of(ids.get(0), ids.get(3)));
        List<String> annaVips = newestFirst(tenant.id(), List.of(ids.get(0), ids.get(2), ids.get(4)));

        for (CustomerStore store : List.of(walking, collecting)) {
            assertThat(pages(store, tenant.id(), new CustomerFilter(null, null, List.of("Vip")), 4))
                    .containsExactlyElementsOf(vips);
            assertThat(pages(store, tenant.id(), new CustomerFilter(null, null, List.of("b2b", "vip")), 1))
                    .containsExactlyElementsOf(both);
            assertThat(pages(store, tenant.id(), new CustomerFilter("anna", null, List.of("vip")), 2))
                    .containsExactlyElementsOf(annaVips);
            assertThat(pages(store, tenant.id(), new CustomerFilter(null, Customer.Status.ON_HOLD, List.of("vip")), 2))
                    .isEmpty();
            assertThat(pages(store, tenant.id(), new CustomerFilter(null, null, List.of("none")), 2)).isEmpty();
        }
    }

    @Test
    void listWhenFlagsAreFilteredWithATermOrTagsByEitherFormThenTheSamePagesNewestFirst() {
        var tenant = Fixtures.tenant(api);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", Fixtures.uniqueEmail(),
                    "first_name", i % 2 == 0 ? "Anna" : "Bert", "accepts_marketing", i % 4 < 2,
                    "email_verified", i % 3 == 0, "tags", i < 5 ? List.of("vip") : List.of())).send().expect(201)
                    .str("id"));
        }
        List<String> annasAccepting = newestFirst(tenant.id(), List.of(ids.get(0), ids.get(4)));
        List<String> vipsVerifiedDeclining = newestFirst(tenant.id(), List.of(ids.get(3)));
        List<String> declining = newestFirst(tenant.id(), List.of(ids.get(2), ids.get(3), ids.get(6), ids.get(7)));

        for (CustomerStore store : List.of(walking, collecting)) {
            assertThat(pages(store, tenant.id(), new CustomerFilter("anna", null, List.of(), true, null, null), 1))
                    .containsExactlyElementsOf(annasAccepting);
            assertThat(pages(store, tenant.id(), new CustomerFilter(null, null, List.of("vip"), false, true, null), 1))
                    .containsExactlyElementsOf(vipsVerifiedDeclining);
            assertThat(pages(store, tenant.id(), new CustomerFilter(null, Customer.Status.ACTIVE, List.of(), false,
                    null, null), 3)).containsExactlyElementsOf(declining);
            assertThat(pages(store, tenant.id(), new CustomerFilter("bert", null, List.of("vip"), true, true, null), 2))
                    .isEmpty();
        }
    }

    private List<String> newestFirst(String tenantId, List<String> ids) {
        return ids.stream().map(id -> db.read(h -> walking.find(h, tenantId, id)).orElseThrow())
                .sorted(java.util.Comparator.comparing(Customer::createdAt).thenComparing(Customer::id).reversed())
                .map(Customer::id).toList();
    }

    /** Every page of the search, walked with its cursor as the route does: the ids in the order they came. */
    private List<String> pages(CustomerStore store, String tenantId, CustomerFilter filter, int limit) {
        List<String> seen = new ArrayList<>();
        Cursor before = null;
        while (true) {
            Cursor after = before;
            List<Customer> page = db.read(h -> store.list(h, tenantId, filter, after, limit));
            page.forEach(customer -> seen.add(customer.id()));
            if (page.size() < limit) {
                return seen;
            }
            Customer last = page.getLast();
            before = new Cursor(last.createdAt(), last.id());
        }
    }
}
