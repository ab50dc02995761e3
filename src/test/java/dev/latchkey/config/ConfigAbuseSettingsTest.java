package dev.latchkey.config;

import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.Quota;
import dev.latchkey.ratelimit.RateLimitSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigAbuseSettingsTest {
    private static Config config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("LATCHKEY_DATABASE_URL", "jdbc:h2:mem:config-test"));
        env.putAll(extra);
        return Config.fromEnv(env);
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Config config = config(Map.of());
        assertThat(config.trustedProxies()).isEmpty();
        assertThat(config.auditRetentionDays()).isEqualTo(365);
        assertThat(config.rateLimits()).isEqualTo(RateLimitSettings.DEFAULTS);
        assertThat(config.rateLimits().perIp(LimitedAction.LOGIN))
                .contains(new Quota(100, Duration.ofMinutes(15)));
        assertThat(config.rateLimits().perAccount(LimitedAction.LOGIN)).contains(new Quota(30, Duration.ofHours(1)));
        assertThat(config.rateLimits().perIp(LimitedAction.ANONYMOUS))
                .contains(new Quota(300, Duration.ofMinutes(15)));
        assertThat(config.rateLimits().perAccount(LimitedAction.ANONYMOUS)).isEmpty();
        assertThat(config.argon2()).isEqualTo(Config.Argon2.OWASP);
    }

    @Test
    void rateLimitsWhenSetThenParsedOrTurnedOff() {
        Config config = config(Map.of(
                "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "5/30s",
                "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "off",
                "LATCHKEY_RATE_LIMIT_RECOVERY_PER_IP", "7/2h",
                "LATCHKEY_RATE_LIMIT_VERIFICATION_PER_ACCOUNT", "9/120",
                "LATCHKEY_RATE_LIMIT_ANONYMOUS_PER_IP", "off",
                // a guest session names no account: there is no such quota to set
                "LATCHKEY_RATE_LIMIT_ANONYMOUS_PER_ACCOUNT", "9/120"));
        assertThat(config.rateLimits().perIp(LimitedAction.LOGIN)).contains(new Quota(5, Duration.ofSeconds(30)));
        assertThat(config.rateLimits().perAccount(LimitedAction.LOGIN)).isEmpty();
        assertThat(config.rateLimits().perIp(LimitedAction.RECOVERY)).contains(new Quota(7, Duration.ofHours(2)));
        assertThat(config.rateLimits().perAccount(LimitedAction.VERIFICATION))
                .contains(new Quota(9, Duration.ofMinutes(2)));
        assertThat(config.rateLimits().perIp(LimitedAction.REGISTRATION))
                .isEqualTo(RateLimitSettings.DEFAULTS.perIp(LimitedAction.REGISTRATION));
        assertThat(config.rateLimits().perIp(LimitedAction.ANONYMOUS)).isEmpty();
        assertThat(config.rateLimits().perAccount(LimitedAction.ANONYMOUS)).isEmpty();
    }

    @Test
    void rateLimitWhenMalformedThenStartupStopsNamingTheVariable() {
        for (String bad : new String[] {"100", "0/60", "ten/60", "5/0", "5/2d", "5/25h"}) {
            assertThatThrownBy(() -> config(Map.of("LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("LATCHKEY_RATE_LIMIT_LOGIN_PER_IP");
        }
    }

    @Test
    void trustedProxiesWhenListedThenParsed() {
        Config config = config(Map.of("LATCHKEY_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.7 ,fd00::/8,"));
        assertThat(config.trustedProxies()).extracting(Object::toString)
                .containsExactly("10.0.0.0/8", "192.0.2.7", "fd00::/8");
    }

    @Test
    void trustedProxiesWhenMalformedThenStartupStops() {
        assertThatThrownBy(() -> config(Map.of("LATCHKEY_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("LATCHKEY_TRUSTED_PROXIES");
    }

    @Test
    void auditRetentionWhenOutOfRangeThenStartupStops() {
        assertThat(config(Map.of("LATCHKEY_AUDIT_RETENTION_DAYS", "30")).auditRetentionDays()).isEqualTo(30);
        assertThatThrownBy(() -> config(Map.of("LATCHKEY_AUDIT_RETENTION_DAYS", "0")))
                .isInstanceOf(ConfigException.class);
    }
}
