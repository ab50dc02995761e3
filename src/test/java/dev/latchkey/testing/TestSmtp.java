package dev.latchkey.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A real SMTP server (GreenMail) on a port of this machine, and ways to read what it received. */
public final class TestSmtp implements AutoCloseable {
    /** An emailed token ({@code et_}) or an account-deletion confirmation ({@code del_}). */
    private static final Pattern TOKEN = Pattern.compile("\\b(?:et|del)_[0-9A-Za-z]{43}\\b");
    private static final long WAIT_MS = 15_000;

    private final GreenMail greenMail;
    private final int port;

    private TestSmtp(int port) {
        this.port = port;
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    public static TestSmtp start() {
        return new TestSmtp(freePort());
    }

    public static TestSmtp start(int port) {
        return new TestSmtp(port);
    }

    /** A port nobody listens on right now. */
    public static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server settings for a dedicated Latchkey that sends here, with quick polling and retries. */
    public static Map<String, String> env(int port) {
        return Map.of("LATCHKEY_SMTP_HOST", "127.0.0.1", "LATCHKEY_SMTP_PORT", Integer.toString(port),
                "LATCHKEY_SMTP_FROM", "Test Shop <shop@example.com>", "LATCHKEY_MAIL_POLL_MS", "50",
                "LATCHKEY_MAIL_RETRY_BASE_MS", "50", "LATCHKEY_MAIL_RETRY_MAX_MS", "200",
                "LATCHKEY_MAIL_MAX_ATTEMPTS", "1000");
    }

    public Map<String, String> env() {
        return env(port);
    }

    /** Waits until {@code count} messages to {@code address} arrived and returns them, oldest first. */
    public List<MimeMessage> await(String address, int count) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<MimeMessage> found = to(address);
        while (found.size() < count && System.currentTimeMillis() < deadline) {
            sleep();
            found = to(address);
        }
        assertThat(found).as("mail to %s", address).hasSizeGreaterThanOrEqualTo(count);
        return found;
    }

    /** The single message to this address, once it arrived. */
    public MimeMessage awaitOne(String address) {
        List<MimeMessage> found = await(address, 1);
        assertThat(found).as("mail to %s", address).hasSize(1);
        return found.getFirst();
    }

    /** The single message to this address whose subject starts with {@code subjectStart}, once it arrived. */
    public MimeMessage awaitOne(String address, String subjectStart) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<MimeMessage> found = withSubject(address, subjectStart);
        while (found.isEmpty() && System.currentTimeMillis() < deadline) {
            sleep();
            found = withSubject(address, subjectStart);
        }
        assertThat(found).as("mail to %s with a subject starting '%s'", address, subjectStart).hasSize(1);
        return found.getFirst();
    }

    /**
     * The token of a mail to this address whose subject starts with {@code subjectStart} and that is none of
     * {@code known}, once it arrived: the token of a repeated request, when the address already got earlier ones.
     */
    public String awaitNewToken(String address, String subjectStart, String... known) {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<String> fresh = newTokens(address, subjectStart, known);
        while (fresh.isEmpty() && System.currentTimeMillis() < deadline) {
            sleep();
            fresh = newTokens(address, subjectStart, known);
        }
        assertThat(fresh).as("new tokens to %s with a subject starting '%s'", address, subjectStart).hasSize(1);
        return fresh.getFirst();
    }

    private List<String> newTokens(String address, String subjectStart, String... known) {
        return withSubject(address, subjectStart).stream().map(TestSmtp::token)
                .filter(token -> !Arrays.asList(known).contains(token)).toList();
    }

    private List<MimeMessage> withSubject(String address, String subjectStart) {
        return to(address).stream().filter(m -> subject(m).startsWith(subjectStart)).toList();
    }

    public List<MimeMessage> to(String address) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            try {
                Address[] recipients = message.getAllRecipients();
                if (recipients != null && Arrays.stream(recipients)
                        .anyMatch(r -> r.toString().equalsIgnoreCase(address))) {
                    found.add(message);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    public static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(MimeMessage message) {
        return part(message, "text/plain");
    }

    public static String html(MimeMessage message) {
        return part(message, "text/html");
    }

    /** The token in the text part (from its link, or alone when the mail has no link). */
    public static String token(MimeMessage message) {
        Matcher matcher = TOKEN.matcher(text(message));
        assertThat(matcher.find()).as("a token in %s", text(message)).isTrue();
        return matcher.group();
    }

    private static String part(MimeMessage message, String type) {
        try {
            assertThat(message.isMimeType("multipart/alternative")).as("multipart/alternative").isTrue();
            Multipart multipart = (Multipart) message.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType(type)) {
                    // SMTP carries CRLF line ends; a reader sees lines.
                    return ((String) part.getContent()).replace("\r\n", "\n");
                }
            }
        } catch (jakarta.mail.MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no " + type + " part");
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
