package dev.latchkey.ratelimit;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.http.IpAddresses;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Applies the quotas to a request: one call at the top of a limited route. Buckets are per tenant, so one store's
 * traffic never throttles another's shoppers; a staff login's per-IP bucket alone serves every tenant. Answers carry
 * the IETF {@code RateLimit-Policy} and {@code RateLimit} fields (draft-ietf-httpapi-ratelimit-headers); a refusal is
 * 429 {@code rate_limited} with {@code Retry-After}.
 */
public final class RateLimits {
    private record Check(String policy, String key, Quota quota, boolean perAccount) {
    }

    private record Outcome(Check check, RateLimiter.Probe probe) {
    }

    /** In place of the tenant in a bucket's key when the bucket serves every tenant: no tenant id is empty. */
    private static final String ACROSS_TENANTS = "";

    private final RateLimiter limiter;
    private final RateLimitSettings settings;
    private final ClientAddresses addresses;

    public RateLimits(RateLimiter limiter, RateLimitSettings settings, ClientAddresses addresses) {
        this.limiter = limiter;
        this.settings = settings;
        this.addresses = addresses;
    }

    /**
     * Counts one attempt at {@code action} against the shopper's IP (an IPv6 address by its /64) and against
     * {@code account} (an email as the caller typed it, or null when the request names none). A secret-key caller is
     * counted by the {@code X-Buyer-Ip} it names, or not per IP at all when it names none.
     */
    public void enforce(Context ctx, String tenantId, LimitedAction action, String account) {
        List<Check> checks = new ArrayList<>();
        Optional<String> ip = addresses.shopperIp(ctx);
        String ipTenant = action.ipAcrossTenants() ? ACROSS_TENANTS : tenantId;
        settings.perIp(action).ifPresent(quota -> ip.ifPresent(address -> checks.add(new Check(action.wire() + "-ip",
                key(ipTenant, action, "ip", IpAddresses.parse(address).map(IpAddresses::clientBlock).orElse(address)),
                quota, false))));
        if (account != null && !account.isBlank()) {
            // the form accounts are looked up by: every spelling of one address shares one bucket
            String normalised = EmailAddress.normalise(account);
            settings.perAccount(action).ifPresent(quota -> checks.add(
                    new Check(action.wire() + "-account", key(tenantId, action, "account", normalised), quota, true)));
        }
        if (checks.isEmpty()) {
            return;
        }
        String policies = checks.stream().map(RateLimits::policy).collect(Collectors.joining(", "));
        List<Outcome> outcomes = new ArrayList<>();
        for (Check check : checks) {
            var outcome = new Outcome(check, limiter.tryConsume(check.key(), check.quota()));
            outcomes.add(outcome);
            if (!outcome.probe().allowed()) {
                throw refusal(outcome, policies, state(outcomes));
            }
        }
        ctx.header("RateLimit-Policy", policies);
        // an account's bucket is anyone's to read: its state would tell how recently someone tried that address
        List<Outcome> own = outcomes.stream().filter(o -> !o.check().perAccount()).toList();
        if (!own.isEmpty()) {
            ctx.header("RateLimit", state(own));
        }
    }

    /**
     * Gives {@code account}'s bucket for {@code action} its whole quota back, once its owner proved who they are (a
     * password reset) or the merchant let them in again: anyone may spend an account's bucket, and an attacker who
     * keeps it empty would otherwise keep the owner out after the lockout itself was cleared.
     */
    public void forgetAccount(String tenantId, LimitedAction action, String account) {
        settings.perAccount(action).ifPresent(quota ->
                limiter.reset(key(tenantId, action, "account", EmailAddress.normalise(account)), quota));
    }

    private static String key(String tenantId, LimitedAction action, String scope, String subject) {
        return tenantId + '\n' + action.wire() + '\n' + scope + '\n' + subject;
    }

    private static String policy(Check check) {
        return "\"" + check.policy() + "\";q=" + check.quota().requests() + ";w=" + check.quota().window().toSeconds();
    }

    /** What is left of each bucket and the seconds until it is full again; when to try again is Retry-After's. */
    private static String state(List<Outcome> outcomes) {
        return outcomes.stream().map(o -> "\"" + o.check().policy() + "\";r=" + o.probe().remaining() + ";t="
                        + o.probe().secondsUntilFull())
                .collect(Collectors.joining(", "));
    }

    private static ApiError refusal(Outcome outcome, String policies, String state) {
        long retryAfter = Math.max(1, outcome.probe().secondsUntilNext());
        return new ApiError(429, "rate_limited", "Too many attempts; try again in " + retryAfter + " seconds.")
                .withHeader("Retry-After", Long.toString(retryAfter))
                .withHeader("RateLimit-Policy", policies)
                .withHeader("RateLimit", state);
    }
}
