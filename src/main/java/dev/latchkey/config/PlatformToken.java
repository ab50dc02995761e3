package dev.latchkey.config;

import dev.latchkey.auth.Secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The operator's token for /v1/platform. From LATCHKEY_PLATFORM_TOKEN, else generated once and kept in the data folder
 * with owner-only permissions from the moment the file exists; a kept file that others can read or change stops
 * start-up, and so does a kept token shorter than the variable may be. Only its location is ever printed, never the
 * token.
 */
public final class PlatformToken {
    public static final String FILE_NAME = "platform-token";
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
        Path file = config.dataDir().resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                if (DataFolder.openToOthers(file)) {
                    // the token may be known already: tightening the file quietly would hide that
                    throw new ConfigException(file.toAbsolutePath().normalize() + " is open to other users: restrict "
                            + "it (chmod 600), or delete it to have a new platform token generated");
                }
                String kept = Files.readString(file).trim();
                if (kept.length() < MIN_LENGTH) {
                    throw new ConfigException(file.toAbsolutePath().normalize() + " holds a platform token of fewer "
                            + "than " + MIN_LENGTH + " characters: write a longer one there, or delete the file to have "
                            + "one generated");
                }
                return kept;
            }
            DataFolder.create(config.dataDir());
            String token = Secrets.secret("lkp");
            DataFolder.writeOwnerOnly(file, token + "\n");
            System.out.println("latchkey: generated a platform token and stored it in " + file.toAbsolutePath().normalize());
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /**
     * What start-up says when the variable is set beside a token file kept from an earlier start: that file's token
     * then no longer works, which an operator reading it would not otherwise know.
     */
    static Optional<String> overriddenFile(Config config) {
        Path file = config.dataDir().resolve(FILE_NAME);
        return config.platformToken().isPresent() && Files.exists(file)
                ? Optional.of("latchkey: LATCHKEY_PLATFORM_TOKEN is set, so the platform token stored in "
                        + file.toAbsolutePath().normalize() + " is not used")
                : Optional.empty();
    }
}
