package dev.latchkey.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals from headers and settings. Only literals are accepted, so parsing never triggers a DNS lookup
 * (InetAddress.getByName would resolve a host name an attacker put in a header).
 */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("^(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}$");
    private static final Pattern BRACKETED_IPV6 = Pattern.compile("^\\[([0-9A-Fa-f:.]+)](?::\\d{1,5})?$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");
    private static final byte[] IPV4_COMPATIBLE = new byte[12];
    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private IpAddresses() {
    }

    /** An IPv4 or IPv6 literal, optionally with a port ({@code 1.2.3.4:80}, {@code [::1]:80}); else empty. */
    public static Optional<InetAddress> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String value = raw.trim();
        var withPort = IPV4_WITH_PORT.matcher(value);
        if (withPort.matches()) {
            value = withPort.group(1);
        }
        var bracketed = BRACKETED_IPV6.matcher(value);
        if (bracketed.matches()) {
            value = bracketed.group(1);
        }
        var v4 = IPV4.matcher(value);
        if (v4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(v4.group(group)) > 255) {
                    return Optional.empty();
                }
            }
            return literal(value);
        }
        return value.indexOf(':') >= 0 && IPV6.matcher(value).matches() ? literal(value) : Optional.empty();
    }

    private static Optional<InetAddress> literal(String value) {
        try {
            return Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The canonical text of an address: dotted quad, or RFC 5952 compressed IPv6. */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        return compress(address.getAddress());
    }

    /**
     * The block that stands for one client when counting its requests: an IPv4 address itself, an IPv6 address its /64
     * ({@code 2001:db8:1:2::/64}). A provider hands each subscriber at least a /64 (RFC 6177), and any host may pick
     * any address in it, so counting single IPv6 addresses would give one client 2^64 buckets. An IPv6 address that
     * carries an IPv4 client in its last 32 bits (IPv4-compatible {@code ::/96}, or translated by NAT64 into
     * {@code 64:ff9b::/96}, RFC 6052) is that client, counted as it is: its /64 would be every such client at once.
     */
    public static String clientBlock(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        if (Arrays.equals(bytes, 0, 12, IPV4_COMPATIBLE, 0, 12) || Arrays.equals(bytes, 0, 12, NAT64, 0, 12)) {
            return compress(bytes);
        }
        byte[] network = Arrays.copyOf(bytes, 16);
        Arrays.fill(network, 8, 16, (byte) 0);
        return compress(network) + "/64";
    }

    private static String compress(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        var out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
