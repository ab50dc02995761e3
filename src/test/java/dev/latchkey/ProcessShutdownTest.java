package dev.latchkey;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The server on its embedded database, started and stopped (SIGTERM) as an operator or a supervisor does. */
class ProcessShutdownTest {
    @Test
    void stopWhenSigtermOnEmbeddedDatabaseThenExitsWithoutWarnings() throws Exception {
        Path data = Files.createTempDirectory("latchkey-shutdown");
        var builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName())).redirectErrorStream(true);
        builder.environment().put("LATCHKEY_PORT", "0");
        builder.environment().put("LATCHKEY_DATA_DIR", data.toString());
        builder.environment().put("LATCHKEY_PLATFORM_TOKEN", "shutdown-test-platform-token-0123456789abcdef");
        // the outbox worker polls all the time, so a database closed under it during shutdown cannot go unnoticed
        builder.environment().put("LATCHKEY_MAIL_POLL_MS", "10");
        Path log = data.resolve("output.log");
        Process process = builder.redirectOutput(log.toFile()).start();
        try {
            process.getOutputStream().close();
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(log).contains("latchkey: listening on port")) {
                assertThat(process.isAlive()).as("running: %s", Files.readString(log)).isTrue();
                assertThat(System.currentTimeMillis()).as("started in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(300); // a few polls of the outbox
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);

        assertThat(process.exitValue()).isEqualTo(143);
        assertThat(output).doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContain("Exception");
    }
}
