package dev.latchkey.webhook;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sender connects to the addresses the destination's check resolved, never to a resolution of its own (a DNS
 * server that answers a public address to the check and loopback to the connection gets nothing on loopback), and TLS
 * still names and verifies the URL's host while the connection goes to a pinned address.
 */
class DeliverySenderTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String RECEIVER_NAME = "receiver.webhook.test";
    /** example.com's former address: public, and refused or unreachable from a test machine on a random port. */
    private static final String PUBLIC = "93.184.216.34";

    @TempDir
    static Path keys;
    private static KeyStore receiverKey;
    private static HttpsServer receiver;
    private static final List<String> sniNames = new CopyOnWriteArrayList<>();
    private static final List<String> bodies = new CopyOnWriteArrayList<>();

    /** A receiver on loopback with a certificate for {@link #RECEIVER_NAME} only, which records the SNI it is sent. */
    @BeforeAll
    static void startTlsReceiver() throws Exception {
        Path store = keys.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + RECEIVER_NAME, "-ext", "SAN=dns:" + RECEIVER_NAME, "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        receiverKey = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            receiverKey.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(receiverKey, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        receiver = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sniNames.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(parameters);
            }
        });
        receiver.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopTlsReceiver() {
        receiver.stop(0);
    }

    /** A sender that trusts the receiver's certificate, as a real one trusts the public authorities. */
    private static DeliverySender trustingSender() {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setTrustStore(receiverKey);
        return new DeliverySender(tls);
    }

    private static URI receiverUrl(String host) {
        return URI.create("https://" + host + ":" + receiver.getAddress().getPort() + "/hooks");
    }

    /** Loopback, as the check hands it on: resolved for {@code host}, the name TLS then sends and verifies. */
    private static List<InetAddress> loopbackResolvedFor(String host) throws UnknownHostException {
        return List.of(InetAddress.getByAddress(host, InetAddress.getLoopbackAddress().getAddress()));
    }

    /** A resolver that answers each look-up of a name with the next of {@code answers}, and counts the look-ups. */
    private record Rebinding(List<String> answers, AtomicInteger lookups) implements Destinations.Resolver {
        Rebinding(String... answers) {
            this(List.of(answers), new AtomicInteger());
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            String answer = answers.get(Math.min(lookups.getAndIncrement(), answers.size() - 1));
            return new InetAddress[] {InetAddress.getByAddress(host, InetAddress.getByName(answer).getAddress())};
        }
    }

    @Test
    void hostWhenItResolvesPublicToTheCheckAndLoopbackAfterThenTheConnectionGoesToTheCheckedAddressOnly()
            throws Exception {
        var dns = new Rebinding(PUBLIC, "127.0.0.1");
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             DeliverySender sender = new DeliverySender()) {
            Thread.ofVirtual().start(() -> {
                try {
                    accepted.add(loopback.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
            URI url = URI.create("https://rebinding.example:" + loopback.getLocalPort() + "/hooks");

            Destinations.Check check = new Destinations(false, dns).check(url);
            assertThat(check).isInstanceOf(Destinations.Allowed.class);
            DeliverySender.Answer answer = sender.post(url, ((Destinations.Allowed) check).addresses(), "{}",
                    Map.of());

            assertThat(answer.delivered()).isFalse();
            assertThat(answer.statusCode()).isNull();
            assertThat(answer.error()).matches("connection refused|no connection within 5 s|connection failed: .*");
            assertThat(dns.lookups()).as("the name is resolved once, for the check").hasValue(1);
            assertThat(accepted).as("nothing connected to loopback").isEmpty();
        }
    }

    @Test
    void hostWhenItResolvesToLoopbackForTheCheckThenRefused() throws Exception {
        var dns = new Rebinding("127.0.0.1");
        assertThat(new Destinations(false, dns).check(URI.create("https://rebinding.example/hooks")))
                .isEqualTo(new Destinations.Refused("the host resolves to an address that is not public"));
        assertThat(new Destinations(false, dns).addressError("https://rebinding.example/hooks"))
                .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("not_allowed"));
    }

    @Test
    void connectionWhenPinnedToAnAddressThenTlsStillSendsAndVerifiesTheUrlsHostName() throws Exception {
        try (DeliverySender sender = trustingSender()) {
            DeliverySender.Answer answer = sender.post(receiverUrl(RECEIVER_NAME), loopbackResolvedFor(RECEIVER_NAME),
                    "{\"id\":\"evt_1\"}", Map.of());

            assertThat(answer).isEqualTo(new DeliverySender.Answer(204, null));
            assertThat(sniNames).contains(RECEIVER_NAME);
            assertThat(bodies).contains("{\"id\":\"evt_1\"}");
        }
    }

    @Test
    void certificateWhenNotForTheUrlsHostThenTlsFailsAtTheSameAddress() throws Exception {
        int before = bodies.size();
        try (DeliverySender sender = trustingSender()) {
            DeliverySender.Answer answer = sender.post(receiverUrl("other.webhook.test"),
                    loopbackResolvedFor("other.webhook.test"), "{}", Map.of());

            assertThat(answer.statusCode()).isNull();
            assertThat(answer.error()).startsWith("TLS failed: ");
            assertThat(bodies).hasSize(before);
        }
    }
}
