package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdminCustomerListTest extends ApiTest {
    private static String q(String query) {
        return "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(c -> ids.add(c.path("id").asText()));
        return ids;
    }

    private static void assertNewestFirst(JsonNode page) {
        List<Instant> createdAt = new ArrayList<>();
        page.path("data").forEach(c -> createdAt.add(Instant.parse(c.path("created_at").asText())));
        assertThat(createdAt).isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    private static Map<String, Object> person(String email, String first, String last) {
        Map<String, Object> fields = new HashMap<>(Map.of("email", email));
        fields.put("first_name", first);
        fields.put("last_name", last);
        return fields;
    }

    @Test
    void listWhenWalkingAllPagesThenEveryCustomerOnceNewestFirst() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(admin.customer(Map.of()).path("id").asText());
        }
        Fixtures.shopper(api, Fixtures.tenant(api));

        List<String> walked = admin.walk("", 5);

        assertThat(walked).hasSize(23).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
        JsonNode firstPage = admin.list("").expect(200).body();
        assertThat(firstPage.path("data").size()).isEqualTo(20);
        assertThat(firstPage.path("next_cursor").isTextual()).isTrue();
        assertNewestFirst(admin.list("limit=100").expect(200).body());
    }

    @Test
    void listWhenCustomersAddedWhilePagingThenNoDuplicatesOrGaps() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            before.add(admin.customer(Map.of()).path("id").asText());
        }
        JsonNode first = admin.list("limit=5").expect(200).body();
        List<String> seen = new ArrayList<>(ids(first));
        for (int i = 0; i < 3; i++) {
            admin.customer(Map.of());
        }
        String cursor = first.path("next_cursor").asText();
        while (cursor != null) {
            JsonNode page = admin.list("limit=5&cursor=" + cursor).expect(200).body();
            seen.addAll(ids(page));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(before);
        assertThat(admin.walk("", 100)).hasSize(15);
    }

    @Test
    void listWhenLimitOrCursorInvalidThen422() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        for (String limit : new String[] {"0", "101", "-1", "ten"}) {
            Problems.assertInvalid(admin.list("limit=" + limit), "limit", "out_of_range");
        }
        for (String cursor : new String[] {"!!!", "Zm9v", "bm90LWEtbnVtYmVyOmN1c194"}) {
            Problems.assertInvalid(admin.list("cursor=" + cursor), "cursor", "invalid");
        }
        admin.list("limit=100").expect(200);
        admin.list("limit=1").expect(200);
    }

    @Test
    void listWhenQueryThenPrefixOfEmailNameOrLastNameInAnyCase() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String ada = admin.customer(person("ada@example.com", "Ada", "Lovelace")).path("id").asText();
        String bob = admin.customer(person("bob@example.com", "Bob", "Adams")).path("id").asText();
        String carla = admin.customer(person("c.ada@example.com", "Carla", "Nadal")).path("id").asText();
        String zoe = admin.customer(person("zoe@example.com", "Zoë", "Åström")).path("id").asText();
        String odd = admin.customer(Map.of("email", "odd%_name@example.com")).path("id").asText();
        String kurt = admin.customer(Map.of("email", "kurt@b\u00fccher.de")).path("id").asText();
        new AdminCalls(api, Fixtures.tenant(api)).customer(person("ada@example.com", "Ada", "Other"));

        assertThat(ids(admin.list(q("ada")).expect(200).body())).containsExactlyInAnyOrder(ada, bob);
        assertThat(ids(admin.list(q("  ADA ")).expect(200).body())).containsExactlyInAnyOrder(ada, bob);
        assertThat(ids(admin.list(q("ada lov")).expect(200).body())).containsExactly(ada);
        assertThat(ids(admin.list(q("LOVE")).expect(200).body())).containsExactly(ada);
        assertThat(ids(admin.list(q("c.ada@")).expect(200).body())).containsExactly(carla);
        assertThat(ids(admin.list(q("nad")).expect(200).body())).containsExactly(carla);
        assertThat(ids(admin.list(q("zoË")).expect(200).body())).containsExactly(zoe);
        assertThat(ids(admin.list(q("åst")).expect(200).body())).containsExactly(zoe);
        assertThat(ids(admin.list(q("odd%_")).expect(200).body())).containsExactly(odd);
        assertThat(ids(admin.list(q("%")).expect(200).body())).isEmpty();
        assertThat(ids(admin.list(q("_")).expect(200).body())).isEmpty();
        assertThat(ids(admin.list(q("dal")).expect(200).body())).isEmpty();
        // an email is stored in its normal form, and a term is brought to it: full width, IDN domain, any case
        assertThat(ids(admin.list(q("KURT@B\u00dcCHER.DE")).expect(200).body())).containsExactly(kurt);
        assertThat(ids(admin.list(q("\uff4b\uff55\uff52\uff54")).expect(200).body())).containsExactly(kurt);
        assertThat(ids(admin.list(q("kurt@xn--bcher")).expect(200).body())).containsExactly(kurt);
        assertThat(ids(admin.list(q("")).expect(200).body())).hasSize(6);
        assertThat(admin.walk(q("ada"), 1)).containsExactlyInAnyOrder(ada, bob);
    }

    /** The keys that begin with a term, whatever follows it, at both ends of the range H2 reads them from. */
    @Test
    void listWhenQueryThenEveryKeyThatBeginsWithItAndNoNeighbour() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> ann = new ArrayList<>();
        for (String last : List.of("Ann", "Ann\u00e5", "Ann\ud83d\ude00", "Annzz")) {
            ann.add(admin.customer(person(Fixtures.uniqueEmail(), "Zed", last)).path("id").asText());
        }
        List<String> mue = new ArrayList<>();
        for (String last : List.of("M\u00fc", "M\u00fcller")) {
            mue.add(admin.customer(person(Fixtures.uniqueEmail(), "Zed", last)).path("id").asText());
        }
        for (String last : List.of("Anm", "Anmzz", "Ano", "An", "M\u00fb", "M\u00fd")) {
            admin.customer(person(Fixtures.uniqueEmail(), "Zed", last));
        }

        assertThat(admin.walk(q("ANN"), 2)).containsExactlyInAnyOrderElementsOf(ann);
        assertThat(admin.walk(q("m\u00fc"), 1)).containsExactlyInAnyOrderElementsOf(mue);
        assertThat(admin.walk(q("zed an"), 3)).hasSize(8);
    }

    /** A search pages like the whole list: by email or by name, every match once, newest first, and nothing else. */
    @Test
    void listWhenWalkingTheMatchesOfAQueryThenEachOnceNewestFirst() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            matches.add(admin.customer(Map.of("email", "walker" + i + "-" + Fixtures.uniqueEmail())).path("id").asText());
            admin.customer(Map.of("first_name", "Other"));
            matches.add(admin.customer(Map.of("last_name", "Walkerson")).path("id").asText());
        }

        List<String> walked = admin.walk(q("WALK"), 3);

        assertThat(walked).hasSize(14).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(matches);
        assertThat(walked).as("pages of 3 in the order of one page").isEqualTo(admin.walk(q("walk"), 100));
        assertNewestFirst(admin.list(q("walk") + "&limit=100").expect(200).body());
    }

    @Test
    void listWhenNameChangesThenSearchFollows() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Grace", "last_name", "Hopper"));
        assertThat(ids(admin.list(q("grace h")).expect(200).body())).containsExactly(shopper.customerId());

        api.patch("/v1/me").as(shopper).body(Map.of("last_name", "Murray")).send().expect(200);
        assertThat(ids(admin.list(q("hop")).expect(200).body())).isEmpty();
        assertThat(ids(admin.list(q("murr")).expect(200).body())).containsExactly(shopper.customerId());

        admin.patch(shopper.customerId(), Map.of("first_name", "Amazing")).expect(200);
        assertThat(ids(admin.list(q("amazing murray")).expect(200).body())).containsExactly(shopper.customerId());
        assertThat(ids(admin.list(q("grace")).expect(200).body())).isEmpty();
    }

    @Test
    void listWhenANameWasTypedDecomposedThenItIsStoredComposedAndFoundEitherWay() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        // "u" and a combining diaeresis, as some keyboards and pasted text give it
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Ju\u0308rgen", "last_name", "Mu\u0308ller"));
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).str("last_name")).isEqualTo("M\u00fcller");

        for (String term : List.of("M\u00fcller", "Mu\u0308ller", "j\u00fcrgen m\u00fc", "ju\u0308rgen")) {
            assertThat(ids(admin.list(q(term)).expect(200).body())).as(term)
                    .containsExactly(shopper.customerId());
        }
    }

    @Test
    void listWhenStatusFilterThenOnlyThatStatusAlsoWithQuery() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        Map<String, String> byStatus = new HashMap<>();
        for (String status : new String[] {"active", "pending_activation", "on_hold", "disabled"}) {
            byStatus.put(status, admin.customer(Map.of("status", status, "email", status + "@example.com"))
                    .path("id").asText());
        }
        String heldToo = admin.customer(Map.of("status", "on_hold", "email", "held@example.com")).path("id").asText();

        for (String status : new String[] {"active", "pending_activation", "disabled"}) {
            assertThat(ids(admin.list("status=" + status).expect(200).body())).containsExactly(byStatus.get(status));
        }
        assertThat(ids(admin.list("status=on_hold").expect(200).body()))
                .containsExactlyInAnyOrder(byStatus.get("on_hold"), heldToo);
        assertThat(ids(admin.list("status=on_hold&" + q("held")).expect(200).body())).containsExactly(heldToo);
        assertThat(ids(admin.list("status=active&" + q("held")).expect(200).body())).isEmpty();
        assertThat(admin.walk("status=on_hold", 1)).hasSize(2);
        assertThat(ids(admin.list("status=").expect(200).body())).hasSize(5);
        for (String twice : List.of("status=active&status=on_hold", "query=a&query=b")) {
            var refused = admin.list(twice).expect(422, "validation_failed");
            assertThat(refused.body().path("errors").get(0).path("field").asText()).isEqualTo(twice.split("=")[0]);
        }
    }

    @Test
    void listWhenUpdatedSinceThenTheChangesSinceOldestFirstAcrossPages() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        String first = admin.customer(person(Fixtures.uniqueEmail(), "Ada", "Lovelace")).path("id").asText();
        server.clock.advance(java.time.Duration.ofMinutes(1));
        java.time.Instant since = server.clock.instant();
        String second = admin.customer(person(Fixtures.uniqueEmail(), "Grace", "Hopper")).path("id").asText();
        server.clock.advance(java.time.Duration.ofMinutes(1));
        String third = admin.customer(person(Fixtures.uniqueEmail(), "Hedy", "Lamarr")).path("id").asText();
        server.clock.advance(java.time.Duration.ofMinutes(1));
        admin.patch(first, Map.of("first_name", "Augusta Ada")).expect(200);
        admin.patch(second, Map.of("status", "on_hold")).expect(200);

        assertThat(admin.walk("updated_since=" + since, 1)).containsExactly(third, first, second);
        assertThat(ids(admin.list("updated_since=" + since + "&status=on_hold").expect(200).body()))
                .containsExactly(second);
        assertThat(ids(admin.list("updated_since=" + server.clock.instant().plusSeconds(1)).expect(200).body()))
                .isEmpty();
        for (String bad : List.of("updated_since=yesterday", "updated_since=" + since + "&query=ada",
                "updated_since=a&updated_since=b")) {
            var refused = admin.list(bad).expect(422, "validation_failed");
            assertThat(refused.body().path("errors").get(0).path("field").asText()).isEqualTo("updated_since");
        }
    }

    @Test
    void listWhenCursorOfTheOtherOrderThenRefusedAsAMalformedOneIs() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        Instant since = server.clock.instant();
        for (int i = 0; i < 3; i++) {
            admin.customer(Map.of());
            server.clock.advance(java.time.Duration.ofSeconds(1));
        }
        String newest = admin.list("limit=1").expect(200).str("next_cursor");
        String changes = admin.list("updated_since=" + since + "&limit=1").expect(200).str("next_cursor");

        // the same kind of position (a time and a customer id), but in the other order it would skip or repeat rows
        Problems.assertInvalid(admin.list("updated_since=" + since + "&cursor=" + newest), "cursor", "invalid");
        Problems.assertInvalid(admin.list("cursor=" + changes), "cursor", "invalid");
        Problems.assertInvalid(admin.list("status=active&cursor=" + changes), "cursor", "invalid");
        // a filter that keeps the order keeps the cursor
        admin.list("status=active&cursor=" + newest).expect(200);
        assertThat(ids(admin.list("updated_since=" + since + "&status=active&cursor=" + changes).expect(200).body()))
                .hasSize(2);
        // written before cursors named their order, a cursor of this route may be of either: refused
        String unnamed = Base64.getUrlEncoder().withoutPadding().encodeToString(
                (since.toEpochMilli() + ":cus_abc").getBytes(StandardCharsets.UTF_8));
        Problems.assertInvalid(admin.list("cursor=" + unnamed), "cursor", "invalid");
        Problems.assertInvalid(admin.list("updated_since=" + since + "&cursor=" + unnamed), "cursor", "invalid");
    }

    @Test
    void listWhenQueryIsPaddedWithNoBreakOrZeroWidthSpacesThenTheyAreTrimmed() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        String grace = admin.customer(person(Fixtures.uniqueEmail(), "Grace", "Hopper")).path("id").asText();
        admin.customer(person(Fixtures.uniqueEmail(), "Ada", "Lovelace"));

        for (String padded : List.of("\u200bgrace", "\ufeffGrace\u2060", "\u00a0grace\u200b", "grace\u3000",
                "grace\n", "\tgrace\r\n")) { // pasted with its line break
            assertThat(ids(admin.list(q(padded)).expect(200).body())).as(padded).containsExactly(grace);
        }
        assertThat(ids(admin.list(q("\u200b\u00a0")).expect(200).body())).hasSize(2);
    }

    @Test
    void listWhenFilterInvalidThen422() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        Problems.assertInvalid(admin.list("status=banned"), "status", "invalid");
        Problems.assertInvalid(admin.list("status=ACTIVE"), "status", "invalid");
        Problems.assertInvalid(admin.list(q("a".repeat(255))), "query", "too_long");
        Problems.assertInvalid(admin.list("query=%00ada"), "query", "invalid");
        Problems.assertInvalid(admin.list("query=ada%01"), "query", "invalid");
        Problems.assertInvalid(admin.list("query=ada%C2%85"), "query", "invalid");
        admin.list(q("a".repeat(254))).expect(200);
        assertThat(new HashSet<>(ids(admin.list(q("☃ ' \" ; --")).expect(200).body()))).isEmpty();
    }
}
