package dev.latchkey.mail;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Choosing a message's language and the few words Latchkey puts into messages itself. */
public final class Wording {
    private Wording() {
    }

    /**
     * The best available language for a customer's {@code preferred_language}: the exact tag (de-at), then its
     * primary language (de), else English, which every message has.
     */
    public static String pick(String preferred, Set<String> available) {
        if (preferred != null && !preferred.isBlank()) {
            String tag = preferred.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            if (available.contains(tag)) {
                return tag;
            }
            int dash = tag.indexOf('-');
            if (dash > 0 && available.contains(tag.substring(0, dash))) {
                return tag.substring(0, dash);
            }
        }
        return BuiltInTemplates.FALLBACK_LANGUAGE;
    }

    /** "15 minutes", "24 hours", "2 days" (German for de, English for every other language). */
    public static String duration(Duration duration, String language) {
        long seconds = Math.max(60, duration.toSeconds());
        boolean german = language.equals("de") || language.startsWith("de-");
        if (seconds % 86_400 == 0) {
            return count(seconds / 86_400, german ? "Tag" : "day", german ? "Tage" : "days");
        }
        if (seconds % 3_600 == 0) {
            return count(seconds / 3_600, german ? "Stunde" : "hour", german ? "Stunden" : "hours");
        }
        return count((seconds + 59) / 60, german ? "Minute" : "minute", german ? "Minuten" : "minutes");
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
