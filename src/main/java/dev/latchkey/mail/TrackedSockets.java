package dev.latchkey.mail;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SMTP connections' sockets, kept while open so that {@link #closeAll} can break off an exchange in progress: a
 * thread blocked reading from a hung server is not woken by an interrupt, only by its socket being closed. Once closed,
 * every socket it makes is closed before it connects.
 */
final class TrackedSockets extends SocketFactory {
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new Socket() {
            @Override
            public void close() throws IOException {
                open.remove(this);
                super.close();
            }
        };
        open.add(socket);
        // after the add: either closeAll finds this socket, or this sees closed
        if (closed) {
            socket.close();
        }
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress... local) throws IOException {
        Socket socket = createSocket();
        try {
            if (local.length > 0) {
                socket.bind(local[0]);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Closes every open socket, and every one made from now on. */
    void closeAll() {
        closed = true;
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all that is asked; a socket that fails to close is gone all the same
            }
        }
    }
}
