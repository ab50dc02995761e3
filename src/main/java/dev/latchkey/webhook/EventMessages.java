package dev.latchkey.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a delivery sends: the event, thin (its id, type, time, customer and the details the merchant's audit log
 * shows, never the client's IP address or user agent: the receiver asks the admin API for more with its key), and the
 * headers that name and sign it.
 */
final class EventMessages {
    private final ObjectMapper mapper;
    private final SigningKey key;

    EventMessages(ObjectMapper mapper, SigningKey key) {
        this.mapper = mapper;
        this.key = key;
    }

    String body(Delivery.Event event) {
        ObjectNode body = mapper.createObjectNode();
        body.put("id", event.id());
        body.put("type", event.type());
        body.put("created_at", event.createdAt().toString());
        body.put("customer_id", event.customerId());
        try {
            body.set("data", mapper.readTree(event.data()));
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of JSON is written", e);
        }
    }

    /** Signed at {@code now}, by each secret version that signs then. */
    Map<String, String> headers(Webhook webhook, Delivery.Event event, String body, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Latchkey-Event-Id", event.id());
        headers.put("Latchkey-Event-Type", event.type());
        headers.put(Signature.HEADER, Signature.header(now.getEpochSecond(), body, webhook.signingVersions(now)
                .stream().map(version -> key.secret(webhook.id(), version)).toList()));
        return headers;
    }
}
