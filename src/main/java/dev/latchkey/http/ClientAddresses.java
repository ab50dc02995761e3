package dev.latchkey.http;

import io.javalin.http.Context;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Which IP a request stands for. {@code X-Forwarded-For} is honoured only when the direct peer is one of the configured
 * trusted proxies ({@code LATCHKEY_TRUSTED_PROXIES}, none by default), and is then read from the right: the first
 * address that is not a trusted proxy is the client, because everything left of it was written by the client and may
 * be forged. A caller holding the secret key relays for many shoppers and may name the shopper in {@code X-Buyer-Ip}.
 */
public final class ClientAddresses {
    public static final String BUYER_IP_HEADER = "X-Buyer-Ip";
    private static final String RELAY_ATTRIBUTE = "latchkey.relay";
    private static final String STAFF_ATTRIBUTE = "latchkey.staff";
    private static final String API_KEY_ATTRIBUTE = "latchkey.api_key";

    private final List<IpRange> trustedProxies;

    public ClientAddresses(List<IpRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** Marks a request authenticated with the secret key: a merchant back end, not a shopper's browser. */
    public static void markRelay(Context ctx) {
        ctx.attribute(RELAY_ATTRIBUTE, Boolean.TRUE);
    }

    /** Marks a request made by a staff member, so that what it changes is recorded as their doing. */
    public static void markStaff(Context ctx, String staffId) {
        ctx.attribute(STAFF_ATTRIBUTE, staffId);
    }

    /**
     * Marks an admin request made with a secret key, so that what it changes is recorded under the key's id: a tenant
     * may hold several, and the audit log must tell which one acted.
     */
    public static void markApiKey(Context ctx, String apiKeyId) {
        ctx.attribute(API_KEY_ATTRIBUTE, apiKeyId);
    }

    public static boolean isRelay(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(RELAY_ATTRIBUTE));
    }

    /** The network client, with trusted proxies looked through. */
    public String clientIp(Context ctx) {
        List<String> forwarded = new ArrayList<>();
        for (String header : Collections.list(ctx.req().getHeaders("X-Forwarded-For"))) {
            for (String hop : header.split(",")) {
                forwarded.add(hop.trim());
            }
        }
        return resolve(ctx.req().getRemoteAddr(), forwarded);
    }

    /**
     * Whether the client reached us over HTTPS: the connection itself, or {@code X-Forwarded-Proto: https} set by a
     * trusted proxy that terminated TLS. The header from anyone else is ignored, as it can be forged.
     */
    public boolean isHttps(Context ctx) {
        if ("https".equalsIgnoreCase(ctx.scheme())) {
            return true;
        }
        String proto = ctx.header("X-Forwarded-Proto");
        Optional<InetAddress> peer = IpAddresses.parse(ctx.req().getRemoteAddr());
        return proto != null && peer.isPresent() && trusted(peer.get())
                && "https".equalsIgnoreCase(proto.split(",", 2)[0].trim());
    }

    /** {@code forwardedFor} lists the hops left to right, as proxies append them. */
    String resolve(String peer, List<String> forwardedFor) {
        InetAddress current = IpAddresses.parse(peer).orElse(null);
        if (current == null) {
            return peer;
        }
        for (int i = forwardedFor.size() - 1; i >= 0 && trusted(current); i--) {
            Optional<InetAddress> hop = IpAddresses.parse(forwardedFor.get(i));
            if (hop.isEmpty()) {
                break;
            }
            current = hop.get();
        }
        return IpAddresses.format(current);
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(range -> range.contains(address));
    }

    /**
     * The IP that stands for the shopper: for a relay the {@code X-Buyer-Ip} it names (empty when it names none), for
     * everyone else the client IP. A malformed {@code X-Buyer-Ip} from a relay is refused with 422.
     */
    public Optional<String> shopperIp(Context ctx) {
        if (!isRelay(ctx)) {
            return Optional.of(clientIp(ctx));
        }
        String raw = ctx.header(BUYER_IP_HEADER);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        InetAddress buyer = IpAddresses.parse(raw).orElseThrow(() -> ApiError.validation(BUYER_IP_HEADER, "invalid",
                BUYER_IP_HEADER + " must be an IPv4 or IPv6 address."));
        return Optional.of(IpAddresses.format(buyer));
    }

    /**
     * What sessions and the audit log record: the shopper's IP where known, else the caller's. Lenient where
     * {@link #shopperIp} is strict: recording an address must not refuse a request that is not rate limited.
     */
    public ClientInfo client(Context ctx) {
        Optional<InetAddress> buyer = isRelay(ctx) ? IpAddresses.parse(ctx.header(BUYER_IP_HEADER)) : Optional.empty();
        return new ClientInfo(buyer.map(IpAddresses::format).orElseGet(() -> clientIp(ctx)),
                ClientInfo.headerText(ctx.userAgent()),
                ctx.attribute(STAFF_ATTRIBUTE), ctx.attribute(API_KEY_ATTRIBUTE));
    }
}
