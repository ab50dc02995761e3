package dev.latchkey.cluster;

/**
 * "Forget what you cached about this": sent by the node that revoked something to every node, itself included.
 * {@link Kind#ALL} is sent locally when a node may have missed messages (its listener connection dropped).
 */
public record Invalidation(Kind kind, String tenantId, String key) {
    public enum Kind { SESSION, CUSTOMER, API_KEY, TENANT, ALL }

    public static final Invalidation EVERYTHING = new Invalidation(Kind.ALL, "", "");

    String encode() {
        return kind.name() + "|" + tenantId + "|" + key;
    }

    static Invalidation decode(String payload) {
        String[] parts = payload.split("\\|", 3);
        if (parts.length != 3) {
            return EVERYTHING;
        }
        try {
            return new Invalidation(Kind.valueOf(parts[0]), parts[1], parts[2]);
        } catch (IllegalArgumentException e) {
            return EVERYTHING;
        }
    }
}
