package dev.latchkey.config;

import dev.latchkey.auth.Secrets;

import java.util.Optional;

/**
 * The operator's token for /v1/platform. From LATCHKEY_PLATFORM_TOKEN, else generated once and kept in the data folder
 * ({@link KeptSecret}); a kept token shorter than the variable may be stops start-up.
 */
public final class PlatformToken {
    public static final String FILE_NAME = "platform-token";
    private static final String WHAT = "platform token";
    /** The shortest token taken, from the variable or from the file: one that can be guessed opens every tenant. */
    static final int MIN_LENGTH = 32;

    private PlatformToken() {
    }

    public static String resolve(Config config) {
        Optional<String> configured = config.platformToken();
        if (configured.isPresent()) {
            overriddenFile(config).ifPresent(System.out::println);
            return configured.get();
        }
        return KeptSecret.readOrCreate(config.dataDir(), FILE_NAME, WHAT, () -> Secrets.secret("lkp"),
                kept -> kept.length() < MIN_LENGTH
                        ? Optional.of("holds a " + WHAT + " of fewer than " + MIN_LENGTH + " characters")
                        : Optional.empty());
    }

    /** What start-up says when the variable is set beside a token file kept from an earlier start. */
    static Optional<String> overriddenFile(Config config) {
        return config.platformToken().isEmpty() ? Optional.empty()
                : KeptSecret.overriddenFile(config.dataDir(), FILE_NAME, "LATCHKEY_PLATFORM_TOKEN", WHAT);
    }
}
