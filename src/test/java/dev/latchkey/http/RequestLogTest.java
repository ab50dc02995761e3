package dev.latchkey.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One line per request with method, path, status, time and request id, never the query string; none at all with
 * {@code LATCHKEY_REQUEST_LOG=false}. Other tests' servers log into the same logger, so lines are told apart by the
 * request id each answer carries.
 */
class RequestLogTest {
    private static final Logger logger = (Logger) LoggerFactory.getLogger("latchkey.request");
    private static final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private static Level levelBefore;

    @BeforeAll
    static void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterAll
    static void release() {
        logger.detachAppender(lines);
        logger.setLevel(levelBefore);
    }

    @Test
    void requestWhenLogOnByDefaultThenOneLineWithoutQueryString() throws InterruptedException {
        try (TestServer server = TestServer.dedicated(Map.of())) {
            var tenant = Fixtures.tenant(server.api);
            var res = server.api.get("/v1/me?expand=secret-query-value").key(tenant.pk()).send().expect(401);

            List<String> logged = awaitLines(res.header("X-Request-Id"));
            assertThat(logged).hasSize(1);
            assertThat(logged.getFirst()).startsWith("GET /v1/me 401 ").doesNotContain("secret-query-value")
                    .doesNotContain(tenant.pk());
        }
    }

    @Test
    void requestWhenLogSwitchedOffThenNoLine() throws InterruptedException {
        try (TestServer server = TestServer.dedicated(Map.of("LATCHKEY_REQUEST_LOG", "false"))) {
            var tenant = Fixtures.tenant(server.api);
            var res = server.api.get("/v1/me").key(tenant.pk()).send().expect(401);

            assertThat(res.header("X-Request-Id")).isNotBlank();
            Thread.sleep(500); // the line is written after the answer: give it the time it takes when logging is on
            assertThat(linesOf(res.header("X-Request-Id"))).isEmpty();
        }
    }

    /** The line is written just after the answer is sent, so it may arrive a moment after the client has read it. */
    private static List<String> awaitLines(String requestId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        List<String> found = linesOf(requestId);
        while (found.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
            found = linesOf(requestId);
        }
        return found;
    }

    private static List<String> linesOf(String requestId) {
        synchronized (lines.list) {
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.endsWith("id=" + requestId)).toList();
        }
    }
}
