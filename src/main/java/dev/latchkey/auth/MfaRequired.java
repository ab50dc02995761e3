package dev.latchkey.auth;

import java.util.List;

/**
 * The answer to a correct password of an account with two-step sign-in: no tokens yet, but an {@code mfa_} token to
 * send with a code to {@code POST /v1/auth/mfa} within {@code expiresIn} seconds, shaped like registration's
 * {@code next_step} answer.
 */
public record MfaRequired(String nextStep, String mfaToken, long expiresIn, List<String> methods)
        implements LoginOutcome {
    public MfaRequired(String mfaToken, long expiresIn, List<String> methods) {
        this("mfa", mfaToken, expiresIn, methods);
    }
}
