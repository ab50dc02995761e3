package dev.latchkey.ratelimit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A token bucket of {@code requests} that refills evenly over {@code window}: a burst, then a steady trickle. */
public record Quota(long requests, Duration window) {
    private static final Pattern FORMAT = Pattern.compile("^(\\d{1,7})/(\\d{1,6})([smh]?)$");

    public Quota {
        if (requests < 1 || window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("a quota allows at least 1 request in a window of 1 s to 24 h");
        }
    }

    /** Reads {@code 100/15m}, {@code 30/1h} or {@code 20/3600} (seconds when no unit is given). */
    public static Quota parse(String raw) {
        Matcher m = FORMAT.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected requests/window such as 100/15m, 30/1h or 20/3600, or off");
        }
        long amount = Long.parseLong(m.group(2));
        Duration window = switch (m.group(3)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        return new Quota(Long.parseLong(m.group(1)), window);
    }

    /** The bucket's one limit: a full burst of {@code requests}, refilled evenly over {@code window}. */
    io.github.bucket4j.Bandwidth bandwidth() {
        return io.github.bucket4j.Bandwidth.builder().capacity(requests).refillGreedy(requests, window).build();
    }
}
