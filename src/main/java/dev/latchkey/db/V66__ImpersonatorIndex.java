package dev.latchkey.db;

import java.util.List;

/**
 * The live impersonations a staff member or a secret key started, found without reading the tenant's other sessions:
 * they end when that member is removed, demoted, or has their password or second factor reset by an owner, when that
 * key is revoked, and all of the shop's when it turns {@code staff_impersonation} off. PostgreSQL indexes only the
 * marked sessions, a handful beside the shoppers' own; H2 has no partial index and indexes every row, its nulls too.
 */
final class V66__ImpersonatorIndex extends PerEngine {
    private static final String INDEX =
            "CREATE INDEX sessions_impersonated_by ON sessions (tenant_id, impersonated_by)";

    @Override
    List<String> statements(boolean postgres) {
        return List.of(postgres ? INDEX + " WHERE impersonated_by IS NOT NULL" : INDEX);
    }
}
