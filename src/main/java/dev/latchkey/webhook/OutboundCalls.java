package dev.latchkey.webhook;

import dev.latchkey.http.FieldError;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Calls the server makes on a merchant's behalf to an address the merchant chose (an identity provider's discovery
 * document, its keys, its token endpoint), under the rules a webhook's delivery follows ({@link Destinations}): an
 * https URL whose host resolves to public addresses only, connected to at the addresses checked (never a second
 * resolution: DNS rebinding), a few seconds to connect and to answer, no redirects, and a bounded answer read. With
 * {@code LATCHKEY_WEBHOOK_ALLOW_PRIVATE} (development and tests) plain http and every address are allowed, as for
 * webhooks.
 */
public final class OutboundCalls implements AutoCloseable {
    /** An answer that came whole: its status and body. */
    public record Reply(int status, byte[] body) {
    }

    /** Why no whole answer came; the message names no secret and is safe to show the merchant. */
    public static final class Failed extends Exception {
        public Failed(String reason) {
            super(reason);
        }
    }

    private final Destinations destinations;
    private final DeliverySender sender = new DeliverySender();

    public OutboundCalls(boolean allowPrivate) {
        this.destinations = new Destinations(allowPrivate);
    }

    /** Why {@code url} is not of a form the server may call, for the field {@code field}; empty when it is. */
    public Optional<FieldError> formError(String field, String url) {
        return destinations.formError(field, url);
    }

    /** Why a url of the right form may not be called, after resolving its host; empty when it may. */
    public Optional<FieldError> addressError(String field, String url) {
        return destinations.addressError(field, url);
    }

    /** A GET of {@code url}: the answer when it fits in {@code limit} bytes. */
    public Reply get(URI url, Map<String, String> headers, int limit) throws Failed {
        return call("GET", url, null, null, headers, limit);
    }

    /** A POST of {@code body} as {@code contentType}: the answer when it fits in {@code limit} bytes. */
    public Reply post(URI url, String contentType, byte[] body, Map<String, String> headers, int limit)
            throws Failed {
        return call("POST", url, contentType, body, headers, limit);
    }

    private Reply call(String method, URI url, String contentType, byte[] body, Map<String, String> headers,
                       int limit) throws Failed {
        if (formError("url", url.toString()).isPresent()) {
            throw new Failed("the url is not one the server may call");
        }
        var addresses = switch (destinations.check(url)) {
            case Destinations.Refused(String reason) -> throw new Failed("not sent: " + reason);
            case Destinations.Allowed(var allowed) -> allowed;
        };
        DeliverySender.Exchange exchange;
        try {
            exchange = sender.exchange(method, url, addresses, contentType, body, headers, limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("the server is stopping");
        }
        if (exchange.status() == null) {
            throw new Failed(exchange.error());
        }
        if (!exchange.complete()) {
            throw new Failed("the answer is larger than " + limit + " bytes or was cut off");
        }
        return new Reply(exchange.status(), exchange.prefix());
    }

    @Override
    public void close() {
        sender.close();
    }
}
