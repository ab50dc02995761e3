package dev.latchkey.tenant;

import java.util.List;

/** A tenant's policy. Stored as JSON; a setting missing from the stored JSON takes its default from {@link #DEFAULTS}. */
public record TenantSettings(
        long accessTokenTtl,
        long refreshTokenTtl,
        long anonymousTokenTtl,
        long anonymousRefreshTtl,
        boolean requireEmailVerification,
        boolean requireActivation,
        int passwordMinLength,
        long passwordResetTtl,
        long verificationTtl,
        List<String> allowedOrigins,
        long refreshReuseGrace,
        String cartMergeStrategy,
        long emailInterval,
        int lockoutThreshold,
        long lockoutDuration,
        boolean deletionRequiresConfirmation,
        int passwordMinScore,
        long sessionMaxLifetime,
        boolean loginCodes,
        long loginCodeTtl,
        boolean requireStaffMfa,
        boolean passkeys,
        String webauthnRpId,
        List<String> webauthnOrigins,
        boolean marketingDoubleOptIn,
        boolean staffImpersonation) {

    public static final TenantSettings DEFAULTS = new TenantSettings(
            86_400, 2_592_000, 3_600, 86_400, false, false, 8, 900, 86_400, List.of(), 10, "merge", 60, 10, 900,
            true, 1, 7_776_000, true, 600, false, true, null, List.of(), false, false);

    /** NIST SP 800-63B 5.2.2: at most 100 failed attempts in a row. */
    public static final int MAX_LOCKOUT_THRESHOLD = 100;

    /**
     * The origins a passkey ceremony may come from: those set, or else the relying party's own {@code https} origin.
     * Empty while no relying party is set.
     */
    public List<String> passkeyOrigins() {
        if (webauthnRpId == null) {
            return List.of();
        }
        return webauthnOrigins.isEmpty() ? List.of("https://" + webauthnRpId) : webauthnOrigins;
    }

    public TenantSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        webauthnOrigins = webauthnOrigins == null ? List.of() : List.copyOf(webauthnOrigins);
        // settings stored while the limit was higher count as the limit
        lockoutThreshold = Math.min(lockoutThreshold, MAX_LOCKOUT_THRESHOLD);
    }
}
