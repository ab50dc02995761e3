package dev.latchkey.http;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's HTTP/1.1 connections, with two things Jetty 12.1 does not give through its public API.
 * <p>
 * <b>A time limit on a request's headers.</b> A request's headers must arrive in full within a time in all, counted
 * from their first byte. The server (Jetty) waits its idle timeout for each part of them, so a client sending a byte
 * every few seconds (a slowloris) would hold the connection, and its share of the server, for as long as it likes.
 * Such a connection is closed when the time is up, without an answer, as Jetty closes one whose headers stop arriving.
 * <p>
 * <b>The start of the request line as sent</b> ({@link SentRequestLine}), for the error page of a refusal whose path
 * Jetty could not read ({@link ProblemErrorHandler}): Jetty puts a placeholder in its place before its error handler
 * runs.
 * <p>
 * Both need the HTTP/1.1 parser's state as it parses, which only Jetty's HTTP/1.1 connection has: this extends it, an
 * internal class, so a Jetty upgrade may have to look at it again. What Jetty 12.1 offers publicly was checked, and
 * none of it tells where a request's headers begin and end as Jetty's parser sees them:
 * <ul>
 * <li>{@code HttpConfiguration}: its idle timeout bounds each pause, not the whole; its minimum request data rate
 * counts bodies only; its header size bounds bytes, not time.</li>
 * <li>{@code Connection.Listener} is told of a connection's opening and closing only; {@code HttpChannel},
 * {@code HttpStream} wrappers, {@code HttpConfiguration.Customizer}, {@code EventsHandler} and any {@code Handler} run
 * once the headers are parsed, too late to see them begin, and not at all for a request whose headers never end.</li>
 * <li>{@code DetectorConnectionFactory}, {@code ProxyConnectionFactory} and {@code NegotiatingServerConnection} see a
 * connection's first bytes only, not each request of a kept-alive connection.</li>
 * <li>An endpoint of one's own ({@code NetworkTrafficServerConnector}'s {@code NetworkTrafficListener}, or
 * {@code ServerConnector.newEndPoint} returning a {@code SocketChannelEndPoint} that overrides {@code fill}) sees
 * bytes as they arrive, but could tell where headers end only by parsing every request a second time with a parser of
 * its own. Such a parser meets a pipelined request's headers when they arrive, not when Jetty starts reading them
 * after the request before: it would time them while that request is still served, and could close a busy
 * connection. The listener is also handed the buffer's unread bytes, which are only the ones just read while Jetty's
 * connection happens to fill empty buffers (an internal choice). Starting the clock at the first byte read after an
 * answer and stopping it in a {@code HttpConfiguration.Customizer} instead needs no parser, but starts it late for
 * headers read ahead with the request before (at the next byte, up to the connector's idle timeout later), and early
 * for empty lines before a request line, which Jetty's parser skips.</li>
 * </ul>
 */
final class Http1Connections extends HttpConnectionFactory {
    /** The parser's states up to the end of the request's target, while its bytes are kept. */
    private static final Set<HttpParser.State> REQUEST_LINE_TO_TARGET = EnumSet.of(HttpParser.State.START,
            HttpParser.State.METHOD, HttpParser.State.SPACE1, HttpParser.State.URI);

    private final Duration limit;

    Http1Connections(HttpConfiguration configuration, Duration limit) {
        super(configuration);
        this.limit = limit;
    }

    /** The start of the request's line as its client sent it, on a connection of these; empty on any other. */
    static Optional<SentRequestLine> sent(Request request) {
        return request.getConnectionMetaData().getConnection() instanceof WatchedConnection watched
                ? Optional.of(watched.sent) : Optional.empty();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        var connection = new WatchedConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private final class WatchedConnection extends HttpConnection {
        private final SentRequestLine sent = new SentRequestLine();
        /** The close due for the headers being read, or null while none are. */
        private final AtomicReference<Due> due = new AtomicReference<>();

        /** {@code begun}: when the first byte of the headers came. */
        private record Due(long begun, Scheduler.Task close) {
        }

        WatchedConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
        }

        /**
         * Jetty's parser, configured as Jetty configures it, that keeps the request line's start as it comes, and
         * looks at the headers after each parse.
         */
        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            HttpParser jettys = super.newHttpParser(compliance);
            var parser = new HttpParser((HttpParser.RequestHandler) jettys.getHandler(),
                    getHttpConfiguration().getRequestHeaderSize(), compliance) {
                @Override
                public boolean parseNext(ByteBuffer buffer) {
                    if (isStart()) {
                        sent.restart();
                    }
                    if (!sent.full() && REQUEST_LINE_TO_TARGET.contains(getState())) {
                        sent.keep(buffer);
                    }
                    boolean handle = super.parseNext(buffer);
                    if (inHeaderState() && !isStart()) {
                        watch(getBeginNanoTime());
                    }
                    return handle;
                }
            };
            parser.setHeaderCacheSize(jettys.getHeaderCacheSize());
            parser.setHeaderCacheCaseSensitive(jettys.isHeaderCacheCaseSensitive());
            return parser;
        }

        /** Bytes came, on the parsing thread: headers they leave incomplete have a close due from their first byte. */
        private void watch(long begun) {
            Due current = due.get();
            if (current != null && current.begun() == begun) {
                return;
            }
            long left = Math.max(begun + limit.toNanos() - System.nanoTime(), 0);
            Due next = new Due(begun, getConnector().getScheduler().schedule(() -> expire(begun), left,
                    TimeUnit.NANOSECONDS));
            Due replaced = due.getAndSet(next);
            if (replaced != null) {
                replaced.close().cancel();
            }
        }

        /** Closes the connection if the headers begun then are still being read. */
        private void expire(long begun) {
            Due current = due.get();
            if (current != null && current.begun() == begun && due.compareAndSet(current, null)) {
                getEndPoint().close();
            }
        }

        /** The headers are in, or the connection is closed: no close is due. */
        private void settle() {
            Due current = due.getAndSet(null);
            if (current != null) {
                current.close().cancel();
            }
        }

        @Override
        protected RequestHandler newRequestHandler() {
            return new RequestHandler() {
                @Override
                public boolean headerComplete() {
                    settle();
                    return super.headerComplete();
                }
            };
        }

        @Override
        public void onClose(Throwable cause) {
            settle();
            super.onClose(cause);
        }
    }
}
