package dev.latchkey.credential;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login flood queues for the hashing pool and, beyond its bounded queue, is refused with 503 and Retry-After, while
 * token validation (no hashing) keeps answering.
 */
class HashingOverloadTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of(
            "LATCHKEY_HASH_THREADS", "1", "LATCHKEY_HASH_QUEUE", "1",
            "LATCHKEY_ARGON2_MEMORY_KIB", "32768", "LATCHKEY_ARGON2_ITERATIONS", "3",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off", "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "off"));
    private final Api api = OWN.api();

    @Test
    void loginFloodWhenQueueFullThen503WithRetryAfterAndTokensStillValidate() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        List<CompletableFuture<Api.Res>> flood = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            flood.add(CompletableFuture.supplyAsync(() -> api.post("/v1/auth/login").key(tenant.pk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", "guessing all day long")).send()));
        }
        api.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);

        List<Api.Res> answers = flood.stream().map(CompletableFuture::join).toList();
        assertThat(answers).extracting(Api.Res::status).containsOnly(401, 503);
        List<Api.Res> refused = answers.stream().filter(res -> res.status() == 503).toList();
        assertThat(refused).isNotEmpty();
        assertThat(refused).allSatisfy(res -> {
            assertThat(res.code()).isEqualTo("overloaded");
            assertThat(res.header("Retry-After")).isEqualTo("1");
        });
        assertThat(answers).anyMatch(res -> res.status() == 401);
    }

    /**
     * A shop with an imported hash costlier than the current cost has its refusals wait as long as that hash takes to
     * verify; a flood's 503 does not wait, so a flood is refused at once rather than held.
     */
    @Test
    void loginFloodWhenTheShopHasACostlyImportThen503AnswersWithoutWaiting() {
        var tenant = Fixtures.tenant(api);
        String hash = OpenBSDBCrypt.generate("2b", "an imported password".toCharArray(),
                "sixteen byte slt".getBytes(StandardCharsets.US_ASCII), 12);
        api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password_hash", hash)).send().expect(201);
        long refusal = 0;
        for (int i = 0; i < 2; i++) { // the first measures the costly hash
            long started = System.nanoTime();
            api.post("/v1/auth/login").key(tenant.pk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", "guessing all day long")).send()
                    .expect(401, "invalid_credentials");
            refusal = System.nanoTime() - started;
        }

        List<CompletableFuture<Timed>> flood = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            flood.add(CompletableFuture.supplyAsync(() -> {
                long started = System.nanoTime();
                Api.Res res = api.post("/v1/auth/login").key(tenant.pk())
                        .body(Map.of("email", Fixtures.uniqueEmail(), "password", "guessing all day long")).send();
                return new Timed(res, System.nanoTime() - started);
            }));
        }
        List<Timed> answers = flood.stream().map(CompletableFuture::join).toList();
        List<Timed> refused = answers.stream().filter(timed -> timed.res().status() == 503).toList();
        assertThat(refused).isNotEmpty();
        long oneRefusal = refusal;
        assertThat(refused).allSatisfy(timed -> assertThat(timed.nanos())
                .as("a 503 against a refused login of %s ms", oneRefusal / 1_000_000).isLessThan(oneRefusal / 2));
    }

    private record Timed(Api.Res res, long nanos) {
    }
}
