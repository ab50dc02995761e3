package dev.latchkey.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A secret the server generates once and keeps in a file of the data folder, owner-only from the moment the file
 * exists, when no variable sets it: the platform token, the webhook key. A kept file that others can read or change
 * stops start-up, and so does one whose value cannot be used. Only the file's location is ever printed, never the
 * secret.
 */
final class KeptSecret {
    private KeptSecret() {
    }

    /**
     * The secret kept in {@code fileName}, or a new one from {@code generate}, written there. {@code flaw} tells what
     * is wrong with a kept value ("holds a ... of fewer than ..."), empty when it can be used.
     */
    static String readOrCreate(Path dataDir, String fileName, String what, Supplier<String> generate,
                               Function<String, Optional<String>> flaw) {
        Path file = dataDir.resolve(fileName);
        String shown = file.toAbsolutePath().normalize().toString();
        try {
            if (Files.exists(file)) {
                if (DataFolder.openToOthers(file)) {
                    // the secret may be known already: tightening the file quietly would hide that
                    throw new ConfigException(shown + " is open to other users: restrict it (chmod 600), or delete it "
                            + "to have a new " + what + " generated");
                }
                String kept = Files.readString(file).trim();
                flaw.apply(kept).ifPresent(problem -> {
                    throw new ConfigException(shown + " " + problem + ": write another one there, or delete the file "
                            + "to have one generated");
                });
                return kept;
            }
            DataFolder.create(dataDir);
            String secret = generate.get();
            DataFolder.writeOwnerOnly(file, secret + "\n");
            System.out.println("latchkey: generated a " + what + " and stored it in " + shown);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /**
     * What start-up says when {@code variable} is set beside a file kept from an earlier start: that file's secret then
     * no longer works, which an operator reading it would not otherwise know.
     */
    static Optional<String> overriddenFile(Path dataDir, String fileName, String variable, String what) {
        Path file = dataDir.resolve(fileName);
        return Files.exists(file)
                ? Optional.of("latchkey: " + variable + " is set, so the " + what + " stored in "
                        + file.toAbsolutePath().normalize() + " is not used")
                : Optional.empty();
    }
}
