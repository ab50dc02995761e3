package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant's tags and note on a customer: written, read, filtered on, and never shown to the shopper. */
class AdminCustomerTagsTest extends ApiTest {
    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }

    private Api.Res changeTags(Fixtures.Tenant tenant, String id, Object body) {
        return api.post("/v1/admin/customers/" + id + "/tags").bearer(tenant.sk()).body(body).send();
    }

    @Test
    void createWhenTagsAndNoteThenNormalisedShownToAdminAndNotToShopper() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);

        JsonNode created = admin.customer(Map.of("tags", List.of(" vip ", "Wholesale", "VIP", "b2b"),
                "note", "  Prefers calls.\nNever on Sundays.  "));

        assertThat(texts(created.path("tags"))).containsExactly("b2b", "vip", "Wholesale");
        assertThat(created.path("note").asText()).isEqualTo("Prefers calls.\nNever on Sundays.");
        String id = created.path("id").asText();
        var read = admin.get(id).expect(200);
        assertThat(texts(read.body().path("tags"))).containsExactly("b2b", "vip", "Wholesale");
        assertThat(read.str("note")).isEqualTo("Prefers calls.\nNever on Sundays.");
        assertThat(admin.get(id + "?expand=addresses").expect(200).body().path("tags").size()).isEqualTo(3);

        var login = admin.login(created.path("email").asText(), Fixtures.PASSWORD).expect(200);
        assertThat(login.body().path("customer").has("tags")).isFalse();
        assertThat(login.body().path("customer").has("note")).isFalse();
        String access = login.str("access_token");
        var me = api.get("/v1/me").key(tenant.pk()).bearer(access).send().expect(200);
        assertThat(me.body().has("tags")).isFalse();
        assertThat(me.body().has("note")).isFalse();
        assertThat(me.raw()).doesNotContain("Sundays").doesNotContain("Wholesale");
        var patched = api.patch("/v1/me").key(tenant.pk()).bearer(access).body(Map.of("first_name", "Ann"))
                .send().expect(200);
        assertThat(patched.body().has("tags")).isFalse();
        assertThat(patched.raw()).doesNotContain("Sundays");
        // a shopper cannot set them on their own profile
        Problems.assertInvalidField(api.patch("/v1/me").key(tenant.pk()).bearer(access)
                .body(Map.of("tags", List.of("free"))).send(), "tags");

        // personal data held about them: their own export has it
        JsonNode export = api.get("/v1/me/export").key(tenant.pk()).bearer(access).send().expect(200).body();
        assertThat(texts(export.path("merchant_data").path("tags"))).containsExactly("b2b", "vip", "Wholesale");
        assertThat(export.path("merchant_data").path("note").asText()).startsWith("Prefers calls.");
        assertThat(export.path("profile").has("tags")).isFalse();
    }

    @Test
    void patchWhenTagsAndNoteThenReplacedVersionedAndAuditedWithoutTheText() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        JsonNode created = admin.customer(Map.of("tags", List.of("old"), "note", "first"));
        String id = created.path("id").asText();
        long version = created.path("version").asLong();

        var changed = admin.patch(id, Map.of("tags", List.of("New", "new", "other"), "note", "secret remark",
                "version", version)).expect(200);

        assertThat(texts(changed.body().path("tags"))).containsExactly("New", "other");
        assertThat(changed.str("note")).isEqualTo("secret remark");
        assertThat(changed.body().path("version").asLong()).isEqualTo(version + 1);
        assertThat(changed.str("updated_at")).isNotEqualTo(created.path("updated_at").asText());
        JsonNode event = admin.events(id, "customer.updated").get(0);
        assertThat(texts(event.path("data").path("changed"))).containsExactlyInAnyOrder("tags", "note");
        assertThat(event.toString()).doesNotContain("secret remark").doesNotContain("other");

        // the same again (in another order) changes nothing and writes nothing
        var same = admin.patch(id, Map.of("tags", List.of("other", "New"), "note", "secret remark")).expect(200);
        assertThat(same.body().path("version").asLong()).isEqualTo(version + 1);
        // a stale version is refused and nothing changes
        admin.patch(id, Map.of("tags", List.of(), "version", version)).expect(409, "version_conflict");
        assertThat(admin.get(id).expect(200).body().path("tags").size()).isEqualTo(2);

        Map<String, Object> clear = new HashMap<>();
        clear.put("note", null);
        clear.put("tags", List.of());
        var cleared = admin.patch(id, clear).expect(200);
        assertThat(cleared.body().path("note").isNull()).isTrue();
        assertThat(cleared.body().path("tags").size()).isZero();
        assertThat(admin.patch(id, Map.of("note", "  ")).expect(200).body().path("version").asLong())
                .isEqualTo(version + 2);
        // a note alone is a change too
        var noted = admin.patch(id, Map.of("note", "again")).expect(200);
        assertThat(noted.body().path("version").asLong()).isEqualTo(version + 3);
        assertThat(texts(admin.events(id, "customer.updated").get(0).path("data").path("changed")))
                .containsExactly("note");
    }

    @Test
    void addRemoveWhenGivenThenMergedCaseInsensitivelyKeepingTheFirstSpelling() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        JsonNode created = admin.customer(Map.of("tags", List.of("VIP", "newsletter")));
        String id = created.path("id").asText();

        var res = changeTags(tenant, id, Map.of("add", List.of("vip", "Berlin"), "remove", List.of("NEWSLETTER")))
                .expect(200);

        assertThat(texts(res.body().path("tags"))).containsExactly("Berlin", "VIP");
        assertThat(res.body().path("version").asLong()).isEqualTo(created.path("version").asLong() + 1);
        assertThat(res.str("email")).isEqualTo(created.path("email").asText());
        assertThat(texts(admin.events(id, "customer.updated").get(0).path("data").path("changed")))
                .containsExactly("tags");
        // nothing to change: nothing written
        var same = changeTags(tenant, id, Map.of("add", List.of("berlin"), "remove", List.of("absent"))).expect(200);
        assertThat(same.body().path("version").asLong()).isEqualTo(res.body().path("version").asLong());
        assertThat(texts(changeTags(tenant, id, Map.of("remove", List.of("vip", "BERLIN"))).expect(200)
                .body().path("tags"))).isEmpty();
    }

    @Test
    void addRemoveWhenBadInputThenRefusedAndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String id = admin.customer(Map.of("tags", List.of("keep"))).path("id").asText();
        String foreign = new AdminCalls(api, other).customer(Map.of()).path("id").asText();

        Problems.assertInvalid(changeTags(tenant, id, Map.of()), "add", "required");
        Problems.assertInvalid(changeTags(tenant, id, Map.of("add", "vip")), "add", "invalid_type");
        Problems.assertInvalid(changeTags(tenant, id, Map.of("remove", List.of(1))), "remove", "invalid_type");
        Problems.assertInvalid(changeTags(tenant, id, "{\"add\": [null]}"), "add", "invalid_type");
        Problems.assertInvalid(changeTags(tenant, id, "{\"add\": null}"), "add", "invalid_type");
        Problems.assertInvalid(changeTags(tenant, id, Map.of("add", List.of("a", "b"), "remove", List.of("A"))),
                "remove", "invalid");
        Problems.assertInvalid(changeTags(tenant, id, Map.of("add", List.of("x"), "tags", List.of("y"))), "tags",
                "unknown_field");
        Problems.assertInvalid(changeTags(tenant, id, Map.of("add", List.of("t".repeat(256)))), "add", "too_long");
        changeTags(tenant, id, "{\"add\": [").expect(400, "malformed_json");
        changeTags(tenant, id, "[]").expect(400);
        changeTags(tenant, "cus_unknown", Map.of("add", List.of("x"))).expect(404, "not_found");
        changeTags(tenant, foreign, Map.of("add", List.of("x"))).expect(404, "not_found");
        changeTags(other, id, Map.of("add", List.of("x"))).expect(404, "not_found");
        api.post("/v1/admin/customers/" + id + "/tags").key(tenant.pk()).body(Map.of("add", List.of("x"))).send()
                .expect(401);

        // 250 is the most a customer may have, counted with those it has
        List<String> many = IntStream.range(0, 249).mapToObj(i -> "tag-" + i).toList();
        assertThat(changeTags(tenant, id, Map.of("add", many)).expect(200).body().path("tags").size())
                .isEqualTo(250);
        Problems.assertInvalid(changeTags(tenant, id, Map.of("add", List.of("one-more"))), "add", "too_long");
        assertThat(changeTags(tenant, id, Map.of("add", List.of("one-more"), "remove", List.of("keep")))
                .expect(200).body().path("tags").size()).isEqualTo(250);
        JsonNode after = admin.get(id).expect(200).body();
        assertThat(texts(after.path("tags"))).contains("one-more").doesNotContain("keep");
        assertThat(admin.get(foreign).status()).isEqualTo(404);
    }

    @Test
    void writeWhenLimitsOrTypesBrokenThenRefusedAsOtherFieldsAre() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        JsonNode created = admin.customer(Map.of("tags", List.of("keep"), "note", "kept"));
        String id = created.path("id").asText();
        List<String> tooMany = IntStream.range(0, 251).mapToObj(i -> "t" + i).toList();
        List<String> most = IntStream.range(0, 250).mapToObj(i -> "t" + i).toList();

        Problems.assertInvalid(admin.patch(id, Map.of("tags", tooMany)), "tags", "too_long");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", List.of("t".repeat(256)))), "tags", "too_long");
        Problems.assertInvalid(admin.patch(id, Map.of("note", "n".repeat(5001))), "note", "too_long");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", "vip")), "tags", "invalid_type");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", Map.of("a", 1))), "tags", "invalid_type");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", List.of(1, 2))), "tags", "invalid_type");
        Problems.assertInvalid(admin.patch(id, "{\"tags\": [\"a\", null]}"), "tags", "invalid_type");
        Problems.assertInvalid(admin.patch(id, "{\"tags\": null}"), "tags", "invalid_type");
        Problems.assertInvalid(admin.patch(id, Map.of("note", 5)), "note", "invalid_type");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", List.of("  "))), "tags", "invalid");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", List.of("a,b"))), "tags", "invalid");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", List.of("two\nlines"))), "tags", "invalid");
        Problems.assertInvalid(admin.patch(id, Map.of("tags", List.of("nul\u0000"))), "tags", "invalid");
        Problems.assertInvalid(admin.patch(id, Map.of("note", "nul\u0000")), "note", "invalid");
        // one bad field refuses the whole change
        Problems.assertInvalid(admin.patch(id, Map.of("first_name", "Changed", "tags", tooMany)), "tags", "too_long");
        admin.patch(id, "{\"tags\": [\"a\"").expect(400, "malformed_json");
        Problems.assertInvalid(api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of(
                "email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "tags", tooMany)).send(),
                "tags", "too_long");
        JsonNode unchanged = admin.get(id).expect(200).body();
        assertThat(unchanged.path("version").asLong()).isEqualTo(created.path("version").asLong());
        assertThat(texts(unchanged.path("tags"))).containsExactly("keep");
        assertThat(unchanged.path("note").asText()).isEqualTo("kept");
        admin.patch("cus_unknown", Map.of("tags", List.of("x"))).expect(404, "not_found");

        // the limits themselves are taken; a tag counts 255 characters after trimming
        var largest = admin.patch(id, Map.of("tags", most, "note", "n".repeat(5000))).expect(200);
        assertThat(largest.body().path("tags").size()).isEqualTo(250);
        assertThat(largest.str("note")).hasSize(5000);
        var longest = admin.patch(id, Map.of("tags", List.of(" " + "ü".repeat(255) + " "))).expect(200);
        assertThat(texts(longest.body().path("tags"))).containsExactly("ü".repeat(255));
    }

    @Test
    void listWhenTagFilterThenOnlyCustomersWithEveryTagPageByPage() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> vips = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            vips.addFirst(admin.customer(Map.of("tags", List.of("VIP"), "first_name", "Ann" + i)).path("id").asText());
        }
        String both = admin.customer(Map.of("tags", List.of("vip", "Berlin"), "first_name", "Bea",
                "status", "on_hold")).path("id").asText();
        admin.customer(Map.of("tags", List.of("Berlin")));
        admin.customer(Map.of());
        List<String> allVips = new ArrayList<>(vips);
        allVips.addFirst(both);

        assertThat(admin.walk("tag=vip", 2)).containsExactlyElementsOf(allVips);
        assertThat(admin.walk("tag=%20VIP%20", 100)).containsExactlyElementsOf(allVips);
        assertThat(admin.walk("tag=vip&tag=berlin", 1)).containsExactly(both);
        assertThat(admin.walk("tag=vip&status=on_hold", 1)).containsExactly(both);
        assertThat(admin.walk("tag=vip&query=ann", 2)).containsExactlyElementsOf(vips);
        assertThat(admin.walk("tag=vip&query=bea", 2)).containsExactly(both);
        assertThat(admin.walk("tag=nobody", 2)).isEmpty();
        assertThat(admin.walk("tag=vip&updated_since=2000-01-01T00:00:00Z", 2)).containsExactlyInAnyOrderElementsOf(
                allVips);
        JsonNode page = admin.list("tag=berlin&limit=1").expect(200).body();
        assertThat(texts(page.path("data").get(0).path("tags"))).isNotEmpty();

        Problems.assertInvalid(admin.list("tag=" + "t".repeat(256)), "tag", "too_long");
        Problems.assertInvalid(admin.list("tag=a,b"), "tag", "invalid");
        Problems.assertInvalid(admin.list("tag=%20"), "tag", "invalid");
        Problems.assertInvalid(admin.list("tag=a%00"), "tag", "invalid");
        Problems.assertInvalidField(admin.list(String.join("&",
                IntStream.range(0, 11).mapToObj(i -> "tag=t" + i).toList())), "tag");
        // another tenant's customers are never found by a tag
        assertThat(new AdminCalls(api, Fixtures.tenant(api)).walk("tag=vip", 10)).isEmpty();
    }

    @Test
    void addWhenTwoAtOnceThenNeitherTagIsLost() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String id = admin.customer(Map.of()).path("id").asText();
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String tag = "tag-" + i;
            calls.add(() -> changeTags(tenant, id, Map.of("add", List.of(tag))));
        }

        List<Api.Res> answers = Concurrently.all(calls);

        answers.forEach(res -> res.expect(200));
        JsonNode after = admin.get(id).expect(200).body();
        assertThat(texts(after.path("tags"))).containsExactlyInAnyOrder(
                IntStream.range(0, 8).mapToObj(i -> "tag-" + i).toArray(String[]::new));
        assertThat(after.path("version").asLong()).isEqualTo(9);
        assertThat(admin.events(id, "customer.updated").size()).isEqualTo(8);
    }

    @Test
    void deleteWhenCustomerHasTagsThenErasedWithThem() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String id = admin.customer(Map.of("tags", List.of("vip"), "note", "n")).path("id").asText();

        admin.delete(id).expect(204);

        assertThat(admin.walk("tag=vip", 10)).isEmpty();
        admin.get(id).expect(404, "not_found");
    }
}
