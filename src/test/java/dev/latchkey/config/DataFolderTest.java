package dev.latchkey.config;

import dev.latchkey.Application;
import dev.latchkey.db.Database;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.OpenApiContract;
import dev.latchkey.testing.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server started as the README starts it, on the embedded database and a generated platform token: the data
 * folder holds customers, queued mail with its tokens and the operator's token, so other local users must not read it.
 */
class DataFolderTest {
    @TempDir
    Path parent;

    @BeforeEach
    void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    }

    @Test
    void startWhenDataFolderIsNewThenItAndEverythingInItAreOwnerOnly() throws Exception {
        Path data = parent.resolve("data");

        runAndCreateTenant(data);

        assertThat(permissions(data)).isEqualTo("rwx------");
        assertThat(permissions(data.resolve("latchkey.mv.db"))).isEqualTo("rw-------");
        assertThat(permissions(data.resolve(PlatformToken.FILE_NAME))).isEqualTo("rw-------");
        assertThat(permissions(data.resolve(WebhookKey.FILE_NAME))).isEqualTo("rw-------");
    }

    @Test
    void startWhenOperatorMadeTheFolderOpenThenItKeepsItsModeAndTheDatabaseIsOwnerOnly() throws Exception {
        Path data = Files.createDirectory(parent.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        runAndCreateTenant(data);

        assertThat(permissions(data)).isEqualTo("rwxr-xr-x");
        assertThat(permissions(data.resolve("latchkey.mv.db"))).isEqualTo("rw-------");
    }

    /** A statement the embedded database refuses leaves no trace file of its own in the folder, open to all. */
    @Test
    void statementWhenTheEmbeddedDatabaseRefusesItThenNothingOpenToOthersIsLeft() throws Exception {
        Path data = parent.resolve("data");
        Config config = Config.fromEnv(Map.of("LATCHKEY_PORT", "0", "LATCHKEY_DATA_DIR", data.toString()));
        try (var db = Database.open(config)) {
            assertThatThrownBy(() -> db.read(h -> h.createQuery("SELECT nothing FROM nowhere").mapToMap().list()))
                    .isInstanceOf(RuntimeException.class);
        }

        try (var files = Files.list(data)) {
            assertThat(files.map(file -> file.getFileName() + " " + permissions(file)))
                    .containsExactlyInAnyOrder("latchkey.mv.db rw-------");
        }
    }

    private static void runAndCreateTenant(Path data) throws Exception {
        Config config = Config.fromEnv(Map.of("LATCHKEY_PORT", "0", "LATCHKEY_DATA_DIR", data.toString(),
                "LATCHKEY_ARGON2_MEMORY_KIB", "1024", "LATCHKEY_ARGON2_ITERATIONS", "1"));
        try (var app = Application.build(config, new TestClock()).start(0)) {
            var api = new Api("http://127.0.0.1:" + app.port(), OpenApiContract.shared());
            String platformToken = Files.readString(data.resolve(PlatformToken.FILE_NAME)).trim();
            api.post("/v1/platform/tenants").bearer(platformToken)
                    .body(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop")).send().expect(201);
        }
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
