package dev.latchkey.config;

import dev.latchkey.auth.Secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The operator's token for /v1/platform. From LATCHKEY_PLATFORM_TOKEN, else generated once and kept in the data folder
 * with owner-only permissions. Only its location is ever printed, never the token.
 */
public final class PlatformToken {
    public static final String FILE_NAME = "platform-token";

    private PlatformToken() {
    }

    public static String resolve(Config config) {
        Optional<String> configured = config.platformToken();
        if (configured.isPresent()) {
            return configured.get();
        }
        Path file = config.dataDir().resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            DataFolder.create(config.dataDir());
            String token = Secrets.secret("lkp");
            Files.writeString(file, token + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file inherits the folder's permissions.
            }
            System.out.println("latchkey: generated a platform token and stored it in " + file.toAbsolutePath().normalize());
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
