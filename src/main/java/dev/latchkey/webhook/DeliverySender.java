package dev.latchkey.webhook;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs a delivery to its receiver: a few seconds to connect and to answer, redirects not followed (a receiver's 3xx
 * is a failure, so that a redirect cannot lead the server elsewhere), and at most a short prefix of the answer read and
 * kept for the merchant's delivery list.
 */
final class DeliverySender implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final String USER_AGENT = "Latchkey-Webhooks/1";
    /** Bytes of a receiver's answer kept: enough for an error's first line, too few to carry a page of anything. */
    private static final int ANSWER_PREFIX = 120;
    /** The size of {@code webhook_deliveries.last_error}. */
    static final int MAX_ERROR = 300;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();

    /** The receiver's status code (null when none came) and, unless it is 2xx, what went wrong. */
    record Answer(Integer statusCode, String error) {
        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    /** Throws InterruptedException when the node stops meanwhile: nothing is then known of the attempt. */
    Answer post(URI url, String body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(url).timeout(ANSWER_TIMEOUT)
                    .header("Content-Type", "application/json").header("User-Agent", USER_AGENT)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return new Answer(null, "the url cannot be called");
        }
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request.build(),
                info -> new Prefix(ANSWER_PREFIX));
        try {
            // the request's own timeout ends with the status line; this one also bounds a slow body
            HttpResponse<String> response = sent.get(CONNECT_TIMEOUT.plus(ANSWER_TIMEOUT).toMillis(),
                    TimeUnit.MILLISECONDS);
            return answer(response.statusCode(), response.body());
        } catch (TimeoutException e) {
            sent.cancel(true);
            return new Answer(null, "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            return new Answer(null, describe(e.getCause()));
        } catch (InterruptedException e) {
            sent.cancel(true);
            throw e;
        }
    }

    private static Answer answer(int status, String prefix) {
        if (status >= 200 && status < 300) {
            return new Answer(status, null);
        }
        String error = "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
        String shown = printable(prefix);
        return new Answer(status, shown.isEmpty() ? error : bounded(error + ": " + shown));
    }

    private static String describe(Throwable failure) {
        return bounded(switch (failure) {
            case HttpConnectTimeoutException e -> "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
            case HttpTimeoutException e -> "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s";
            case ConnectException e -> "connection refused";
            case SSLException e -> "TLS failed: " + printable(String.valueOf(e.getMessage()));
            case IOException e -> "connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : printable(e.getMessage()));
            default -> "cannot be sent: " + failure.getClass().getSimpleName();
        });
    }

    /** Controls and line breaks of a receiver's text become spaces: it is shown on one line. */
    private static String printable(String text) {
        return text.codePoints().map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                        ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
    }

    private static String bounded(String text) {
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }

    /** Called once the worker has stopped: anything still in flight is abandoned, its lease runs out. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /**
     * Keeps the first {@code limit} bytes of an answer and stops reading there (closing the connection); a body that
     * fails midway still leaves its status and what came of it.
     */
    private static final class Prefix implements HttpResponse.BodySubscriber<String> {
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Prefix(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                byte[] part = new byte[Math.min(item.remaining(), limit - kept.size())];
                item.get(part);
                kept.writeBytes(part);
            }
            if (kept.size() >= limit) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            onComplete();
        }

        @Override
        public void onComplete() {
            result.complete(new String(kept.toByteArray(), StandardCharsets.UTF_8));
        }
    }
}
