package dev.latchkey;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The server started as an operator starts it, with a database that is not there. */
class StartupFailureTest {
    @Test
    void startWhenTheDatabaseCannotBeReachedThenOneLineNamesTheCauseAndTheExitCodeIsOne() throws Exception {
        Path data = Files.createTempDirectory("latchkey-startup");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        builder.environment().put("LATCHKEY_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere");
        builder.environment().put("LATCHKEY_DATABASE_USER", "postgres");
        builder.environment().put("LATCHKEY_PORT", "0");
        builder.environment().put("LATCHKEY_DATA_DIR", data.toString());
        builder.environment().put("LATCHKEY_PLATFORM_TOKEN", "startup-test-platform-token-0123456789abcdef");
        Process process = builder.start();
        process.getOutputStream().close();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits by itself").isTrue();
        String err = read(process.getErrorStream());
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(err).contains("latchkey: cannot start: ").contains(Integer.toString(closedPort))
                .doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
