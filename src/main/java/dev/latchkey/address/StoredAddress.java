package dev.latchkey.address;

import java.time.Instant;

/** An address row as the store reads it; which address is a default is held by the customer. */
record StoredAddress(String id, AddressFields fields, Instant createdAt, Instant updatedAt) {
}
