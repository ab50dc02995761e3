package dev.latchkey.address;

import java.util.List;

/**
 * How one customer's address book joins another's in a merge, planned with both customers locked: {@code moving}, the
 * source's addresses that move (keeping their ids); {@code skipped}, how many of the source's are a place the kept
 * book holds already (the book's own rule: every field but the tags alike, whatever the case), which go with the
 * source; {@code shipping} and {@code billing}, the address that becomes the kept customer's default of that kind, or
 * null where the kept customer keeps theirs (or neither has one); {@code sizeAfter}, the kept book's size afterwards.
 */
public record BookMerge(String tenantId, String keptId, String sourceId, List<String> moving, int skipped,
                        String shipping, String billing, int sizeAfter) {
    public BookMerge {
        moving = List.copyOf(moving);
    }

    /** Whether the kept book would hold more than a book may. */
    public boolean overLimit() {
        return sizeAfter > AddressService.MAX_PER_CUSTOMER;
    }
}
