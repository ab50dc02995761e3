package dev.latchkey.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data folder holds the embedded database (customers, mail waiting in the outbox with its tokens) and the
 * generated platform token, so on POSIX systems what the server creates there is for its own user only. Elsewhere
 * (Windows) files inherit the folder's access list, which is left to the operator.
 */
public final class DataFolder {
    /** The base name of the embedded database's files ({@code latchkey.mv.db}, {@code latchkey.trace.db}). */
    static final String EMBEDDED_DATABASE = "latchkey";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {
    }

    /**
     * Creates the folder, and any missing parent, owner-only. A folder that exists keeps its permissions: the
     * operator who made it chose them (a group that takes backups, say).
     */
    public static void create(Path folder) {
        try {
            if (POSIX) {
                Files.createDirectories(folder,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + folder, e);
        }
    }

    /** Creates the file, which must not exist yet, readable by the owner only from its first byte on. */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.writeString(POSIX ? Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createFile(file), content);
    }

    /** Whether users other than the owner may read or change the file (never on systems without POSIX modes). */
    static boolean openToOthers(Path file) throws IOException {
        return POSIX && !OWNER_ONLY_FILE.containsAll(Files.getPosixFilePermissions(file));
    }

    /**
     * H2 creates the embedded database's files with the process's default mode (usually readable by everyone): they
     * are made owner-only once they exist, which matters where the folder itself is open to others.
     */
    public static void restrictEmbeddedDatabase(Config config) {
        if (!POSIX || !config.embeddedDatabase()) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.dataDir(), EMBEDDED_DATABASE + ".*")) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict the embedded database's files in " + config.dataDir(), e);
        }
    }
}
