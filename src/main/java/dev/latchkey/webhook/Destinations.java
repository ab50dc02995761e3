package dev.latchkey.webhook;

import dev.latchkey.http.FieldError;
import dev.latchkey.http.IpRange;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a webhook may send the tenant's events: an https URL whose host resolves to public addresses only. A merchant
 * could otherwise have the server call its own network (the database's host, a cloud metadata service at
 * 169.254.169.254) and read a prefix of the answer in the delivery list. The address is checked after DNS resolution
 * when the webhook is saved and again before each delivery, and that delivery connects to the addresses checked, never
 * to a second resolution of the name, which a DNS server could answer differently (DNS rebinding). In development and
 * tests ({@code LATCHKEY_WEBHOOK_ALLOW_PRIVATE}) plain http and every address are allowed.
 */
final class Destinations {
    static final int MAX_URL = 2048;
    /** Blocks that no public receiver lives in (RFC 6890), beside what InetAddress tells by itself. */
    private static final List<IpRange> NOT_PUBLIC = List.of("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
            // IETF protocol assignments (Teredo, which carries an IPv4 address, ORCHID, benchmarking, ...) and the
            // documentation blocks, inside the global unicast block
            "2001::/23", "2001:db8::/32", "3fff::/20").stream().map(IpRange::parse).toList();
    /**
     * IPv6 receivers live in global unicast (RFC 4291): every other block (the IPv4-translated ::ffff:0:0:0/96, SRv6,
     * unique local, ...) is refused, but NAT64's, through which an IPv6-only host reaches IPv4 receivers.
     */
    private static final IpRange GLOBAL_UNICAST = IpRange.parse("2000::/3");
    /** IPv6 blocks that carry an IPv4 address (NAT64, 6to4), checked as that address. */
    private static final IpRange NAT64 = IpRange.parse("64:ff9b::/96");
    private static final IpRange SIX_TO_FOUR = IpRange.parse("2002::/16");
    /** An IPv4 address with a part written with a leading zero, which some software reads as octal. */
    private static final Pattern LEADING_ZERO = Pattern.compile(
            "^[0-9.]*(^|\\.)0[0-9]+[0-9.]*$");
    private static final String UNRESOLVABLE = "the host does not resolve";

    /** Resolves a host name to its addresses: the system's resolver, or a test's that answers as a hostile DNS might. */
    @FunctionalInterface
    interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** What the check of a destination found: the addresses a delivery may connect to, or why it may not be sent. */
    sealed interface Check {
    }

    /**
     * Every address the host resolved to, each of them allowed and carrying the name it was resolved for (which TLS
     * sends and verifies the certificate against): the connection is made to these and no others.
     */
    record Allowed(List<InetAddress> addresses) implements Check {
    }

    record Refused(String reason) implements Check {
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    Destinations(boolean allowPrivate) {
        this(allowPrivate, Resolver.SYSTEM);
    }

    Destinations(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Why {@code url} is not of a form a webhook may have, for the field {@code url}; empty when it is. */
    Optional<FieldError> formError(String url) {
        return formError("url", url);
    }

    /** Why {@code url} is not of a form the server may call, for the field {@code field}; empty when it is. */
    Optional<FieldError> formError(String field, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return refused(field, "invalid",
                    field + " must be an absolute https URL with a host in ASCII (punycode).");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getPort() > 65535) {
            return refused(field, "invalid",
                    field + " must be an absolute https URL with a host in ASCII (punycode).");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
            return refused(field, "insecure", field + " must use https.");
        }
        if (uri.getRawUserInfo() != null) {
            return refused(field, "invalid", field + " must not carry a user name or password.");
        }
        if (uri.getRawFragment() != null) {
            return refused(field, "invalid", field + " must not have a fragment (#...).");
        }
        if (LEADING_ZERO.matcher(uri.getHost()).matches()) {
            // 0177.0.0.1 is 177.0.0.1 here but 127.0.0.1 to software that reads the part as octal
            return refused(field, "invalid", field + "'s host must not write an IP address with leading zeros.");
        }
        return Optional.empty();
    }

    /** Why a url of the right form may not be a webhook's, after resolving its host; empty when it may. */
    Optional<FieldError> addressError(String url) {
        return addressError("url", url);
    }

    /** As {@link #addressError(String)}, for the field {@code field}. */
    Optional<FieldError> addressError(String field, String url) {
        if (allowPrivate || !(check(URI.create(url)) instanceof Refused(String reason))) {
            return Optional.empty();
        }
        return Optional.of(reason.equals(UNRESOLVABLE)
                ? new FieldError(field, "unresolvable", field + "'s host does not resolve.")
                : new FieldError(field, "not_allowed", field + " must not point to a private, loopback, link-local, "
                        + "multicast or reserved address."));
    }

    /** Resolves the host of the webhook at {@code uri} and tells whether, and where, it may be called now. */
    Check check(URI uri) {
        List<InetAddress> addresses;
        try {
            addresses = List.of(resolver.resolve(uri.getHost()));
        } catch (UnknownHostException e) {
            return new Refused(UNRESOLVABLE);
        }
        return !allowPrivate && addresses.stream().anyMatch(Destinations::notPublic)
                ? new Refused("the host resolves to an address that is not public") : new Allowed(addresses);
    }

    static boolean notPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()
                || NOT_PUBLIC.stream().anyMatch(range -> range.contains(address))) {
            return true;
        }
        if (!(address instanceof Inet6Address v6)) {
            return false;
        }
        Optional<InetAddress> embedded = embeddedIpv4(v6);
        if (embedded.isPresent()) {
            return notPublic(embedded.get());
        }
        return !GLOBAL_UNICAST.contains(address);
    }

    private static Optional<InetAddress> embeddedIpv4(Inet6Address address) {
        byte[] bytes = address.getAddress();
        int from = NAT64.contains(address) ? 12 : SIX_TO_FOUR.contains(address) ? 2 : -1;
        if (from < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Inet4Address.getByAddress(Arrays.copyOfRange(bytes, from, from + 4)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static Optional<FieldError> refused(String field, String code, String message) {
        return Optional.of(new FieldError(field, code, message));
    }
}
