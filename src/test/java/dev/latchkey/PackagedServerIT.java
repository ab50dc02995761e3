package dev.latchkey;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server started as the README starts it ({@code java @jvm.options -jar target/latchkey.jar}) on its
 * embedded database, and stopped with SIGTERM as an operator or a supervisor stops it. Runs after packaging
 * ({@code mvn verify}), since it needs the jar.
 */
class PackagedServerIT {
    private static final Path ARCHIVE = Path.of("target", "latchkey.jsa");
    private static final Pattern LISTENING = Pattern.compile("latchkey: listening on port (\\d+)");

    @Test
    void startAndStopWhenAsTheReadmeSaysThenAnswersExitsCleanlyAndTheRestartReadsTheClassArchive() throws Exception {
        Files.deleteIfExists(ARCHIVE);

        String first = startAnswerAndStop();
        assertThat(ARCHIVE).as("class-data archive written when the server stopped").isNotEmptyFile();
        String restart = startAnswerAndStop();

        for (String output : List.of(first, restart)) {
            assertThat(output).doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContain("Exception")
                    .doesNotContain("[warning]").doesNotContain("Error occurred");
        }
    }

    /** One start on a new database, one answer from /health/live, then SIGTERM; returns everything it printed. */
    private static String startAnswerAndStop() throws Exception {
        Path data = Files.createTempDirectory("latchkey-packaged");
        Path log = data.resolve("output.log");
        var builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@jvm.options", "-jar", "target/latchkey.jar")).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("LATCHKEY_PORT", "0");
        builder.environment().put("LATCHKEY_DATA_DIR", data.toString());
        // the outbox worker polls all the time, so a database closed under it during shutdown cannot go unnoticed
        builder.environment().put("LATCHKEY_MAIL_POLL_MS", "10");
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            int port = awaitPort(process, log);
            var health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            Thread.sleep(300); // a few polls of the outbox
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isEqualTo(143);
        return output;
    }

    private static int awaitPort(Process process, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            String output = Files.readString(log);
            Matcher listening = LISTENING.matcher(output);
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            assertThat(process.isAlive()).as("running: %s", output).isTrue();
            assertThat(System.currentTimeMillis()).as("started in time: %s", output).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
