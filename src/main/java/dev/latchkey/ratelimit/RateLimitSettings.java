package dev.latchkey.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The quotas per action, per client IP and per account. Defaults let a person retry many times over and stop a script
 * within its first few hundred attempts; each can be changed with {@code LATCHKEY_RATE_LIMIT_<ACTION>_PER_IP} or
 * {@code ..._PER_ACCOUNT} (e.g. {@code 100/15m}), or turned off with {@code off}.
 */
public record RateLimitSettings(Map<LimitedAction, Quota> perIp, Map<LimitedAction, Quota> perAccount) {
    public static final RateLimitSettings DEFAULTS = new RateLimitSettings(
            Map.of(LimitedAction.LOGIN, new Quota(100, Duration.ofMinutes(15)),
                    LimitedAction.REGISTRATION, new Quota(30, Duration.ofHours(1)),
                    LimitedAction.RECOVERY, new Quota(30, Duration.ofHours(1)),
                    LimitedAction.VERIFICATION, new Quota(60, Duration.ofHours(1)),
                    LimitedAction.STAFF_LOGIN, new Quota(30, Duration.ofMinutes(15)),
                    // one per visit; generous, because shoppers behind one carrier-grade NAT share an address
                    LimitedAction.ANONYMOUS, new Quota(300, Duration.ofMinutes(15))),
            Map.of(LimitedAction.LOGIN, new Quota(30, Duration.ofHours(1)),
                    LimitedAction.REGISTRATION, new Quota(10, Duration.ofHours(1)),
                    LimitedAction.RECOVERY, new Quota(10, Duration.ofHours(1)),
                    LimitedAction.VERIFICATION, new Quota(20, Duration.ofHours(1)),
                    LimitedAction.STAFF_LOGIN, new Quota(20, Duration.ofHours(1))));

    public RateLimitSettings {
        perIp = Map.copyOf(perIp);
        perAccount = Map.copyOf(perAccount);
    }

    public Optional<Quota> perIp(LimitedAction action) {
        return Optional.ofNullable(perIp.get(action));
    }

    public Optional<Quota> perAccount(LimitedAction action) {
        return Optional.ofNullable(perAccount.get(action));
    }

    public static String envName(LimitedAction action, boolean perIp) {
        return "LATCHKEY_RATE_LIMIT_" + action.name() + (perIp ? "_PER_IP" : "_PER_ACCOUNT");
    }
}
