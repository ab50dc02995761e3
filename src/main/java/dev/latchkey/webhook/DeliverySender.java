package dev.latchkey.webhook;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * POSTs a delivery to its receiver: a few seconds to connect and to answer, redirects not followed (a receiver's 3xx
 * is a failure, so that a redirect cannot lead the server elsewhere), and at most a short prefix of the answer read and
 * kept for the merchant's delivery list.
 * <p>
 * The connection goes to the addresses {@link Destinations} checked, never to a resolution of its own: the client's
 * resolver answers a request's pinned addresses, which the request carries as its tag (a tag also keeps a pooled
 * connection to its own addresses). TLS still names the URL's host: the handshake sends it (SNI) and the certificate
 * must be for it.
 */
final class DeliverySender implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /** How long an idle connection to a receiver is kept for its webhook's next delivery. */
    private static final Duration KEEP_IDLE = Duration.ofMinutes(1);
    private static final String USER_AGENT = "Latchkey-Webhooks/1";
    /** Bytes of a receiver's answer kept: enough for an error's first line, too few to carry a page of anything. */
    private static final int ANSWER_PREFIX = 120;
    /** The size of {@code webhook_deliveries.last_error}. */
    static final int MAX_ERROR = 300;

    private final Supplier<SslContextFactory.Client> tls;
    private final Object lifecycle = new Object();
    /** Made and started by the first request, under {@link #lifecycle}; null until then. */
    private HttpClient client;
    private boolean closed;

    /** The addresses a request may connect to: those its destination's check allowed. */
    private record Pinned(List<InetAddress> addresses) {
    }

    /** The receiver's status code (null when none came) and, unless it is 2xx, what went wrong. */
    record Answer(Integer statusCode, String error) {
        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    DeliverySender() {
        this(SslContextFactory.Client::new);
    }

    /** {@code tls} trusts the JDK's certificate authorities, or in a test its own; it verifies the host name. */
    DeliverySender(SslContextFactory.Client tls) {
        this(() -> tls);
    }

    private DeliverySender(Supplier<SslContextFactory.Client> tls) {
        this.tls = tls;
    }

    private HttpClient newClient() {
        HttpClient made = new HttpClient();
        made.setSslContextFactory(tls.get());
        made.setSocketAddressResolver(DeliverySender::pinned);
        made.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        made.setFollowRedirects(false);
        made.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        // no Accept-Encoding: a prefix of the answer is all that is read, as sent
        made.getContentDecoderFactories().clear();
        made.setIdleTimeout(KEEP_IDLE.toMillis());
        made.setDestinationIdleTimeout(KEEP_IDLE.toMillis());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("latchkey-webhook-client");
        threads.setDaemon(true);
        made.setExecutor(threads);
        return made;
    }

    /**
     * The client, made and started by the first request: it holds threads and the JDK's trust store, and even
     * unstarted its classes take a noticeable share of the server's start-up, which a node that never calls out (no
     * webhooks, no identity providers) should not pay for in start-up time or memory.
     * InterruptedException once {@link #close} ran: the node is stopping.
     */
    private HttpClient started() throws InterruptedException {
        synchronized (lifecycle) {
            if (closed) {
                throw new InterruptedException("the HTTP client is closed");
            }
            if (client == null) {
                client = newClient();
            }
            if (!client.isStarted()) {
                try {
                    client.start();
                } catch (Exception e) {
                    throw new IllegalStateException("the outbound HTTP client did not start", e);
                }
            }
            return client;
        }
    }

    /** The client's only resolver: a request that carries no checked addresses connects nowhere. */
    private static void pinned(String host, int port, Map<String, Object> context,
                               Promise<List<InetSocketAddress>> promise) {
        if (context.get(Destination.CONTEXT_KEY) instanceof Destination destination
                && destination.getOrigin().getTag() instanceof Pinned pinned) {
            promise.succeeded(pinned.addresses().stream().map(address -> new InetSocketAddress(address, port))
                    .toList());
        } else {
            promise.failed(new UnknownHostException("no checked address"));
        }
    }

    /**
     * Sends to {@code url}, connecting to one of {@code addresses} only. Throws InterruptedException when the node
     * stops meanwhile: nothing is then known of the attempt.
     */
    Answer post(URI url, List<InetAddress> addresses, String body, Map<String, String> headers)
            throws InterruptedException {
        Exchange exchange = exchange("POST", url, addresses, "application/json",
                body.getBytes(StandardCharsets.UTF_8), headers, ANSWER_PREFIX);
        if (exchange.status() == null) {
            return new Answer(null, exchange.error());
        }
        return answer(exchange.status(), new String(exchange.prefix(), StandardCharsets.UTF_8));
    }

    /**
     * What one exchange came to: the status with at most the first {@code limit} bytes of the answer ({@code
     * complete} when the whole answer fit), or no status and what went wrong.
     */
    record Exchange(Integer status, byte[] prefix, boolean complete, String error) {
    }

    /**
     * Sends one request ({@code body} null for none) to {@code url}, connecting to one of {@code addresses} only, and
     * reads at most {@code limit} bytes of the answer. Throws InterruptedException when the node stops meanwhile.
     */
    Exchange exchange(String method, URI url, List<InetAddress> addresses, String contentType, byte[] body,
                      Map<String, String> headers, int limit) throws InterruptedException {
        Request request;
        try {
            request = started().newRequest(url);
        } catch (IllegalArgumentException e) {
            return new Exchange(null, null, false, "the url cannot be called");
        }
        request.method(method).tag(new Pinned(addresses)).timeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .headers(fields -> headers.forEach(fields::put));
        if (body != null) {
            request.body(new BytesRequestContent(contentType, body));
        }
        Prefix answer = new Prefix(limit);
        request.send(answer);
        try {
            // the request's own timeout ends the exchange; this bound only keeps a stuck one from holding the thread
            return answer.result.get(CONNECT_TIMEOUT.plus(ANSWER_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            return new Exchange(null, null, false, "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("an answer is always made of the exchange", e.getCause());
        } catch (InterruptedException e) {
            request.abort(e);
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
            case SocketTimeoutException e -> "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
            case TimeoutException e -> "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s";
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
        synchronized (lifecycle) {
            closed = true;
            if (client == null) {
                return;
            }
            try {
                client.stop();
            } catch (Exception e) {
                throw new IllegalStateException("the outbound HTTP client did not stop", e);
            }
        }
    }

    /**
     * Keeps the first {@code limit} bytes of an answer and stops reading past them (closing the connection); an answer
     * whose status came is that status with what came of its body, whatever happened after.
     */
    private static final class Prefix implements Response.Listener {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<Exchange> result = new CompletableFuture<>();
        private final int limit;
        private boolean cut;

        Prefix(int limit) {
            this.limit = limit;
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (content.remaining() > limit - kept.size()) {
                cut = true;
            }
            byte[] part = new byte[Math.min(content.remaining(), limit - kept.size())];
            content.get(part);
            kept.writeBytes(part);
            if (cut) {
                response.abort(new IOException("the answer's prefix was read"));
            }
        }

        @Override
        public void onComplete(Result outcome) {
            int status = outcome.getResponse().getStatus();
            result.complete(status > 0 ? new Exchange(status, kept.toByteArray(), !cut && !outcome.isFailed(), null)
                    : new Exchange(null, null, false, describe(outcome.getFailure())));
        }
    }
}
