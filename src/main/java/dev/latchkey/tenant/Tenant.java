package dev.latchkey.tenant;

import java.time.Instant;

public record Tenant(String id, String name, TenantSettings settings, Instant createdAt) {
}
