package dev.latchkey.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @ParameterizedTest
    @CsvSource({
            "LATCHKEY_PORT, abc",
            "LATCHKEY_PORT, 70000",
            "LATCHKEY_PORT, -1",
            "LATCHKEY_PORT, ８０８０",
            "LATCHKEY_PORT, +8080",
            "LATCHKEY_HTTP_IDLE_TIMEOUT, 0",
            "LATCHKEY_TRUSTED_PROXIES, 10.0.0.0/８",
            "LATCHKEY_TRUSTED_PROXIES, 10.0.0.0/+8",
            "LATCHKEY_DATABASE_URL, postgres://localhost/latchkey",
            "LATCHKEY_DATABASE_URL, jdbc:mysql://localhost/latchkey",
            "LATCHKEY_DATABASE_POOL_SIZE, 1",
            "LATCHKEY_DATABASE_POOL_SIZE, 1001",
            "LATCHKEY_DATABASE_POOL_SIZE, eight",
            "LATCHKEY_DATABASE_SOCKET_TIMEOUT, 0",
            "LATCHKEY_DATABASE_SOCKET_TIMEOUT, 86401",
            "LATCHKEY_PLATFORM_TOKEN, too-short",
            "LATCHKEY_SMTP_STARTTLS, maybe",
            "LATCHKEY_SMTP_PORT, 0",
            "LATCHKEY_DATABASE_POOL_TIMEOUT, 0",
            "LATCHKEY_DATABASE_POOL_TIMEOUT, 301",
            "LATCHKEY_SMTP_FROM, Shop <shop@example.com",
            "LATCHKEY_SMTP_FROM, not an address",
            "LATCHKEY_REDIS_URL, redis://localhost:notaport",
            "LATCHKEY_REDIS_URL, redis://:::6379",
            "LATCHKEY_REDIS_URL, redis:///0",
            "LATCHKEY_WEBHOOK_KEY, c2hvcnQ",
            "LATCHKEY_WEBHOOK_KEY, not base64 at all but long enough to be 32 bytes",
            "LATCHKEY_WEBHOOK_ALLOW_PRIVATE, sometimes",
            "LATCHKEY_WEBHOOK_MAX_ATTEMPTS, 0",
            "LATCHKEY_WEBHOOK_POLL_MS, 5",
    })
    void fromEnvWhenValueInvalidThenConfigExceptionNamingTheVariable(String name, String value) {
        assertThatThrownBy(() -> Config.fromEnv(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(name);
    }

    @Test
    void fromEnvWhenInvalidThenMessageIsOneLine() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("LATCHKEY_PORT", "abc")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains("abc"));
    }

    @ParameterizedTest
    @CsvSource({
            "LATCHKEY_PLATFORM_TOKEN, s3cr3t-value",
            "LATCHKEY_REDIS_URL, redis://:s3cr3t-value@host:port",
    })
    void fromEnvWhenValueHoldingASecretInvalidThenMessageDoesNotRevealIt(String name, String value) {
        assertThatThrownBy(() -> Config.fromEnv(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(name).doesNotContain("s3cr3t"));
    }

    @Test
    void fromEnvWhenRedisUrlWellFormedThenRead() {
        for (String url : new String[] {"redis://127.0.0.1:6379", "rediss://:pass@redis.example.com:6380/2",
                "redis://[::1]:6379", "redis://redis"}) {
            assertThat(Config.fromEnv(Map.of("LATCHKEY_REDIS_URL", url)).redisUrl()).contains(url);
        }
    }

    @Test
    void fromEnvWhenEmptyThenDefaults() {
        Config config = Config.fromEnv(Map.of());

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.databaseUrl()).startsWith("jdbc:h2:file:")
                .contains(Path.of("./data").toAbsolutePath().normalize().resolve("latchkey").toString());
        assertThat(config.isPostgres()).isFalse();
        assertThat(config.databasePoolSize()).isEqualTo(8);
        assertThat(config.databaseSocketTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.databasePoolTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.platformToken()).isEmpty();
        assertThat(config.smtp().configured()).isFalse();
        assertThat(config.smtp().startTls()).isFalse();
        assertThat(config.argon2()).isEqualTo(Config.Argon2.OWASP);
    }

    @Test
    void fromEnvWhenValidValuesThenRead() {
        Config config = Config.fromEnv(Map.of(
                "LATCHKEY_PORT", "9090",
                "LATCHKEY_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/latchkey",
                "LATCHKEY_DATABASE_USER", "latchkey",
                "LATCHKEY_DATABASE_POOL_SIZE", "24",
                "LATCHKEY_DATABASE_SOCKET_TIMEOUT", "300",
                "LATCHKEY_DATABASE_POOL_TIMEOUT", "3",
                "LATCHKEY_PLATFORM_TOKEN", "p".repeat(32),
                "LATCHKEY_SMTP_HOST", "smtp.example.com",
                "LATCHKEY_SMTP_STARTTLS", "true"));

        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.isPostgres()).isTrue();
        assertThat(config.databaseUser()).isEqualTo("latchkey");
        assertThat(config.databasePoolSize()).isEqualTo(24);
        assertThat(config.databaseSocketTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.databasePoolTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.platformToken()).contains("p".repeat(32));
        assertThat(config.smtp().configured()).isTrue();
        assertThat(config.smtp().startTls()).isTrue();
    }

    @Test
    void fromEnvWhenSmtpFromHasANameThenRead() {
        assertThat(Config.fromEnv(Map.of("LATCHKEY_SMTP_FROM", "Kasa <shop@kasa.example>")).smtp().from())
                .isEqualTo("Kasa <shop@kasa.example>");
        assertThat(Config.fromEnv(Map.of("LATCHKEY_SMTP_FROM", "shop@kasa.example")).smtp().from())
                .isEqualTo("shop@kasa.example");
    }

    @ParameterizedTest
    @CsvSource({"true, true", "YES, true", "on, true", "1, true", "false, false", "No, false", "OFF, false",
            "0, false"})
    void fromEnvWhenYesOrNoSpelledAnyAcceptedWayThenRead(String value, boolean expected) {
        assertThat(Config.fromEnv(Map.of("LATCHKEY_SMTP_STARTTLS", value)).smtp().startTls()).isEqualTo(expected);
    }

    @Test
    void fromEnvWhenYesOrNoNotUnderstoodThenTheMessageSaysWhatIs() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("LATCHKEY_DEV_MAILBOX", "enabled")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("LATCHKEY_DEV_MAILBOX must be true or false (also yes/no, on/off, 1/0; got 'enabled')");
    }

    @Test
    void fromEnvWhenALatchkeyVariableIsNoSettingThenItIsNamedAsUnrecognised() {
        Config config = Config.fromEnv(Map.of("LATCHKEY_PROT", "9090", "LATCHKEY_RATE_LIMIT_ANONYMOUS_PER_ACCOUNT",
                "5/60", "LATCHKEY_RATE_LIMIT_ANONYMOUS_PER_IP", "5/60", "LATCHKEY_PORT", "9091",
                "LATCHKEY_TEST_DATABASE_URL", "jdbc:postgresql://db/test", "HOME", "/root"));

        assertThat(config.unrecognised()).containsExactly("LATCHKEY_PROT", "LATCHKEY_RATE_LIMIT_ANONYMOUS_PER_ACCOUNT");
        assertThat(config.port()).isEqualTo(9091);
        assertThat(Config.fromEnv(Map.of()).unrecognised()).isEmpty();
    }

    /** Named also when another variable's value stops start-up: the misspelt name may be the reason. */
    @Test
    void unrecognisedInWhenAnotherValueIsInvalidThenTheNamesThatAreNoSettingAreStillFound() {
        Map<String, String> env = Map.of("LATCHKEY_PORT", "abc", "LATCHKEY_SMTP_HOTS", "smtp.example.com",
                "LATCHKEY_SMTP_PORT", "2525", "LATCHKEY_TEST_DATABASE_URL", "jdbc:postgresql://db/test");
        assertThatThrownBy(() -> Config.fromEnv(env)).isInstanceOf(ConfigException.class);

        assertThat(Config.unrecognisedIn(env)).containsExactly("LATCHKEY_SMTP_HOTS");
    }

    @Test
    void platformTokenWhenSetBesideAKeptTokenFileThenStartUpSaysTheFileIsNotUsed(@TempDir Path data)
            throws Exception {
        Map<String, String> env = Map.of("LATCHKEY_DATA_DIR", data.toString(), "LATCHKEY_PLATFORM_TOKEN",
                "p".repeat(32));
        assertThat(PlatformToken.overriddenFile(Config.fromEnv(env))).isEmpty();
        assertThat(PlatformToken.resolve(Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", data.toString()))))
                .startsWith("lkp_");

        assertThat(PlatformToken.overriddenFile(Config.fromEnv(env))).hasValueSatisfying(notice -> assertThat(notice)
                .contains("LATCHKEY_PLATFORM_TOKEN is set").contains(data.resolve(PlatformToken.FILE_NAME).toString())
                .doesNotContain("p".repeat(32)));
        assertThat(PlatformToken.resolve(Config.fromEnv(env))).isEqualTo("p".repeat(32));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc\n", "0123456789012345678901234567890"})
    void platformTokenWhenTheKeptFileHoldsFewerThan32CharactersThenStartUpStopsNamingTheFile(String kept,
                                                                                             @TempDir Path data)
            throws Exception {
        Path file = data.resolve(PlatformToken.FILE_NAME);
        DataFolder.writeOwnerOnly(file, kept);
        Config config = Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", data.toString()));

        assertThatThrownBy(() -> PlatformToken.resolve(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("fewer than 32 characters");
        Files.delete(file);
        DataFolder.writeOwnerOnly(file, "k".repeat(32) + "\n");
        assertThat(PlatformToken.resolve(config)).isEqualTo("k".repeat(32));
    }

    /** The key is a secret: a refused one is not repeated in the message printed at start-up. */
    @Test
    void webhookKeyWhenTooShortThenRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("LATCHKEY_WEBHOOK_KEY", "c2VjcmV0LWJ1dC1zaG9ydA")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("32")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0LWJ1dC1zaG9ydA"));
    }

    @Test
    void webhookKeyWhenUnsetThenGeneratedOnceIntoTheDataFolderAndKept(@TempDir Path data) throws Exception {
        Config config = Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", data.toString()));
        byte[] generated = WebhookKey.resolve(config);

        assertThat(generated).hasSize(32);
        assertThat(WebhookKey.resolve(config)).isEqualTo(generated);
        String set = java.util.Base64.getUrlEncoder().encodeToString(new byte[40]);
        assertThat(WebhookKey.resolve(Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", data.toString(),
                "LATCHKEY_WEBHOOK_KEY", set)))).hasSize(40);
    }

    @Test
    void webhookKeyWhenTheKeptFileHoldsNoKeyThenStartUpStopsNamingTheFile(@TempDir Path data) throws Exception {
        Path file = data.resolve(WebhookKey.FILE_NAME);
        DataFolder.writeOwnerOnly(file, "too short\n");
        Config config = Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", data.toString()));

        assertThatThrownBy(() -> WebhookKey.resolve(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("at least 32 bytes");
    }

    @Test
    void fromEnvWhenDataDirGivenThenDefaultDatabaseLivesThere() {
        Config config = Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", "/var/lib/latchkey"));

        assertThat(config.databaseUrl()).startsWith("jdbc:h2:file:/var/lib/latchkey/latchkey");
    }
}
