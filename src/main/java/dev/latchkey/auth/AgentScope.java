package dev.latchkey.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a customer lets an AI shopping agent do for them; the wire names are part of the API. A write scope includes
 * its read scope: every write answers with what it changed, so it shows that much anyway.
 */
public enum AgentScope {
    PROFILE_READ("profile:read", null),
    PROFILE_WRITE("profile:write", PROFILE_READ),
    ADDRESSES_READ("addresses:read", null),
    ADDRESSES_WRITE("addresses:write", ADDRESSES_READ),
    CART_READ("cart:read", null),
    CART_WRITE("cart:write", CART_READ),
    ORDERS_READ("orders:read", null);

    private final String wire;
    private final AgentScope includes;

    AgentScope(String wire, AgentScope includes) {
        this.wire = wire;
        this.includes = includes;
    }

    public String wire() {
        return wire;
    }

    public static Optional<AgentScope> fromWire(String value) {
        return Arrays.stream(values()).filter(scope -> scope.wire.equals(value)).findFirst();
    }

    /** Whether a grant of {@code granted} may do what {@code needed} allows. */
    static boolean covers(Set<AgentScope> granted, AgentScope needed) {
        return granted.stream().anyMatch(scope -> scope == needed || scope.includes == needed);
    }

    /** The wire names, in this enum's order. */
    public static List<String> wire(Collection<AgentScope> scopes) {
        return scopes.stream().sorted().map(AgentScope::wire).toList();
    }

    /**
     * As stored: the wire names separated by spaces, the form of OAuth's {@code scope} (RFC 6749 3.3). Null for no
     * scopes, the value of every session that is not an agent's.
     */
    static String stored(Set<AgentScope> scopes) {
        return scopes.isEmpty() ? null : String.join(" ", wire(scopes));
    }

    /** The scopes a stored value names; a name this version does not know grants nothing. */
    static Set<AgentScope> ofStored(String stored) {
        if (stored == null || stored.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(stored.split(" ")).map(AgentScope::fromWire).flatMap(Optional::stream)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Every wire name, for the messages that list them. */
    public static String allWire() {
        return Arrays.stream(values()).map(AgentScope::wire).collect(Collectors.joining(", "));
    }
}
