package dev.latchkey.http;

import java.net.InetAddress;

/** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. */
public final class IpRange {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private IpRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Parses {@code address[/prefix]}; throws IllegalArgumentException with a readable message. */
    public static IpRange parse(String raw) {
        String text = raw.trim();
        int slash = text.indexOf('/');
        String addressPart = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = IpAddresses.parse(addressPart)
                .orElseThrow(() -> new IllegalArgumentException("'" + raw + "' is not an IP address or CIDR block"));
        byte[] bytes = address.getAddress();
        int maxPrefix = bytes.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            long asked = Text.wholeNumber(text.substring(slash + 1)).orElse(-1);
            if (asked < 0 || asked > maxPrefix) {
                throw new IllegalArgumentException("'" + raw + "' has a prefix length outside 0.." + maxPrefix);
            }
            prefix = (int) asked;
        }
        return new IpRange(bytes, prefix, text);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int restBits = prefixLength % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - restBits)) & 0xff;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
