package dev.latchkey.tenant;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.latchkey.http.ApiError;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** A shop. {@code suspendedAt}: when the operator suspended it, null while it is active. */
public record Tenant(String id, String name, TenantSettings settings, Status status, Instant createdAt,
                     Instant suspendedAt) {
    /** Whether the tenant's credentials work: the operator suspends a tenant and reactivates it. */
    public enum Status {
        ACTIVE, SUSPENDED;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        /** The status with this wire name, if there is one. */
        public static Optional<Status> ofWire(String value) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
        }
    }

    /** The code of every request refused because its credentials' tenant is suspended. */
    public static final String SUSPENDED_CODE = "tenant_suspended";

    public boolean suspended() {
        return status == Status.SUSPENDED;
    }

    /**
     * Whether {@code key} opens the admin routes although the tenant is suspended: a secret key the operator issued
     * during this suspension, for the merchant to close what an attacker opened before the shop is reactivated.
     */
    public boolean rescuedBy(ApiKey key) {
        return suspended() && suspendedAt != null && suspendedAt.equals(key.rescuesSuspension());
    }

    /** This tenant, or 403 {@code tenant_suspended} while the operator has suspended it. */
    public Tenant requireActive() {
        if (suspended()) {
            throw suspendedError();
        }
        return this;
    }

    public static ApiError suspendedError() {
        return new ApiError(403, SUSPENDED_CODE, "This shop is suspended by the operator of the service: its keys, "
                + "staff and customer sessions are refused until it is reactivated. Nothing has been deleted.");
    }
}
