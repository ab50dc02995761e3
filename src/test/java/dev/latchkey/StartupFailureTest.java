package dev.latchkey;

import dev.latchkey.config.PlatformToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The server started as an operator starts it, with something in its way: start-up stops with one line. */
class StartupFailureTest {
    @Test
    void startWhenTheDatabaseCannotBeReachedThenOneLineNamesTheCauseAndTheExitCodeIsOne() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Process process = start(Files.createTempDirectory("latchkey-startup"), Map.of(
                "LATCHKEY_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere",
                "LATCHKEY_DATABASE_USER", "postgres",
                "LATCHKEY_PLATFORM_TOKEN", "startup-test-platform-token-0123456789abcdef"));

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits by itself").isTrue();
        String err = read(process.getErrorStream());
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(err).contains("latchkey: cannot start: ").contains(Integer.toString(closedPort))
                .doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    @Test
    void startWhenTheKeptPlatformTokenIsReadableByOthersThenOneLineNamesTheFileAndTheExitCodeIsOne()
            throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path data = Files.createTempDirectory("latchkey-startup");
        Path token = Files.writeString(data.resolve(PlatformToken.FILE_NAME), "lkp_startup-test-0123456789abcdef\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));

        Process process = start(data, Map.of());
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("exits by itself").isTrue();
        String err = read(process.getErrorStream());
        assertThat(process.exitValue()).as(err).isEqualTo(1);
        assertThat(err).contains("latchkey: cannot start: " + token.toAbsolutePath() + " is open to other users")
                .doesNotContain("lkp_startup").doesNotContain("\tat ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-r--r--");
    }

    /** The server as an operator starts it, on the data folder and with the settings given. */
    private static Process start(Path data, Map<String, String> env) throws IOException {
        var builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        builder.environment().put("LATCHKEY_PORT", "0");
        builder.environment().put("LATCHKEY_DATA_DIR", data.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
