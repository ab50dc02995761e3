package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/** Tenants created with a first owner, and staff logins: what staff and dashboard tests start from. */
public final class StaffFixtures {
    private StaffFixtures() {
    }

    /** A tenant, its owner's credentials and the owner's staff id. */
    public record Shop(Fixtures.Tenant tenant, String ownerEmail, String ownerPassword, String ownerId) {
        public String id() {
            return tenant.id();
        }
    }

    public static Shop shop(Api api) {
        return shop(api, Map.of());
    }

    public static Shop shop(Api api, Map<String, Object> settings) {
        return shop(api, "Staffed Shop", "owner-" + Fixtures.uniqueEmail(), settings);
    }

    /** A shop of this name whose first owner has this email. */
    public static Shop shop(Api api, String name, String email, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>(Map.of("id", Fixtures.uniqueId("t"), "name", name,
                "settings", settings, "owner", Map.of("email", email, "password", Fixtures.PASSWORD)));
        var res = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN).body(body).send().expect(201);
        var tenant = new Fixtures.Tenant(res.body().path("tenant").path("id").asText(), res.str("publishable_key"),
                res.str("secret_key"), res.body().path("tenant").path("settings"));
        return new Shop(tenant, email, Fixtures.PASSWORD, res.body().path("owner").path("id").asText());
    }

    public static Api.Res login(Api api, String tenantId, String email, String password) {
        return api.post("/v1/admin/staff/login")
                .body(Map.of("tenant_id", tenantId, "email", email, "password", password)).send();
    }

    /** The owner's stf_ token. */
    public static String ownerToken(Api api, Shop shop) {
        return login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200).str("access_token");
    }

    /** Adds a staff member with this role (by the secret key) and returns their email; the password is Fixtures'. */
    public static String addStaff(Api api, Shop shop, String role) {
        String email = role + "-" + Fixtures.uniqueEmail();
        api.post("/v1/admin/staff").bearer(shop.tenant().sk())
                .body(Map.of("email", email, "password", Fixtures.PASSWORD, "role", role)).send().expect(201);
        return email;
    }

    /** The shop's audit events of this type (the {@code data} array), newest first, as the secret key reads them. */
    public static JsonNode events(Api api, Shop shop, String type) {
        return api.get("/v1/admin/audit?type=" + type).bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data");
    }

    /**
     * The dashboard's settings form as its page fills it in from the shop's settings: a ticked box for each setting that
     * is on, the others' values as text (empty for an unset one), the origins left empty.
     */
    public static Map<String, String> settingsForm(Api api, Shop shop) {
        Map<String, String> form = new HashMap<>();
        api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body().fields().forEachRemaining(e -> {
            if (e.getValue().isBoolean()) {
                if (e.getValue().asBoolean()) {
                    form.put(e.getKey(), "on");
                }
            } else if (!e.getValue().isArray()) {
                // as the page shows it: an unset text setting is an empty field
                form.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
        });
        return form;
    }

    /** The shop's staff member with this email, as the staff list shows them. */
    public static JsonNode member(Api api, Shop shop, String email) {
        for (JsonNode m : api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data")) {
            if (m.path("email").asText().equals(email)) {
                return m;
            }
        }
        throw new AssertionError("no staff member " + email);
    }

    /** A support member's stf_ token. */
    public static String supportToken(Api api, Shop shop) {
        return login(api, shop.id(), addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(200).str("access_token");
    }

    /**
     * Six rounds, each with a fresh shop and support member: five logins of the member at the same instant as what an
     * owner does to them ({@code change}, given the shop and the member's id, answering 204); after which every login
     * was refused as a wrong password is or its session has ended; then {@code after} (given the shop and email).
     */
    public static void loginsDuring(Api api, BiFunction<Shop, String, Api.Res> change, BiConsumer<Shop, String> after) {
        for (int round = 0; round < 6; round++) {
            Shop shop = shop(api);
            String email = addStaff(api, shop, "support");
            String memberId = login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("staff_id");
            List<Callable<Api.Res>> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(() -> login(api, shop.id(), email, Fixtures.PASSWORD));
            }
            calls.add(() -> change.apply(shop, memberId));

            List<Api.Res> answers = Concurrently.all(calls);

            answers.get(5).expect(204);
            for (Api.Res answer : answers.subList(0, 5)) {
                if (answer.status() == 200) {
                    api.get("/v1/admin/audit").bearer(answer.str("access_token")).send().expect(401, "invalid_token");
                } else {
                    answer.expect(401, "invalid_credentials");
                }
            }
            after.accept(shop, email);
        }
    }
}
