package dev.latchkey.http;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP/1.1 connections on which a request's headers must arrive in full within a time in all, counted from their first
 * byte. The server (Jetty) waits its idle timeout for each part of them, so a client sending a byte every few seconds
 * (a slowloris) would hold the connection, and its share of the server, for as long as it likes. Such a connection is
 * closed when the time is up, without an answer, as Jetty closes one whose headers stop arriving.
 * <p>
 * Jetty 12.1 has no such limit (its minimum data rate counts bodies only), so this extends its HTTP/1.1 connection,
 * an internal class: a Jetty upgrade may have to look at it again.
 * <p>
 * The parser's state is read only where it is parsed, right after each parse and on the parsing thread, never after
 * {@code onFillable} returns: by then the connection may already be parsing its next request on another thread (it
 * asked to be told of more bytes before returning), and a state read from there could start a close for headers that
 * have arrived meanwhile, which would then close the connection however busy it is.
 */
final class TimedHeaders extends HttpConnectionFactory {
    private final Duration limit;

    TimedHeaders(HttpConfiguration configuration, Duration limit) {
        super(configuration);
        this.limit = limit;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        var connection = new TimedConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private final class TimedConnection extends HttpConnection {
        /** The close due for the headers being read, or null while none are. */
        private final AtomicReference<Due> due = new AtomicReference<>();

        /** {@code begun}: when the first byte of the headers came. */
        private record Due(long begun, Scheduler.Task close) {
        }

        TimedConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
        }

        /** Jetty's parser, configured as Jetty configures it, that looks at the headers after each parse. */
        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            HttpParser jettys = super.newHttpParser(compliance);
            var parser = new HttpParser((HttpParser.RequestHandler) jettys.getHandler(),
                    getHttpConfiguration().getRequestHeaderSize(), compliance) {
                @Override
                public boolean parseNext(ByteBuffer buffer) {
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
