package dev.latchkey.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
            "LATCHKEY_SMTP_FROM, Shop <shop@example.com",
            "LATCHKEY_SMTP_FROM, not an address",
            "LATCHKEY_REDIS_URL, redis://localhost:notaport",
            "LATCHKEY_REDIS_URL, redis://:::6379",
            "LATCHKEY_REDIS_URL, redis:///0",
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
                "LATCHKEY_PLATFORM_TOKEN", "p".repeat(32),
                "LATCHKEY_SMTP_HOST", "smtp.example.com",
                "LATCHKEY_SMTP_STARTTLS", "true"));

        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.isPostgres()).isTrue();
        assertThat(config.databaseUser()).isEqualTo("latchkey");
        assertThat(config.databasePoolSize()).isEqualTo(24);
        assertThat(config.databaseSocketTimeout()).isEqualTo(Duration.ofSeconds(300));
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

    @Test
    void fromEnvWhenDataDirGivenThenDefaultDatabaseLivesThere() {
        Config config = Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", "/var/lib/latchkey"));

        assertThat(config.databaseUrl()).startsWith("jdbc:h2:file:/var/lib/latchkey/latchkey");
    }
}
