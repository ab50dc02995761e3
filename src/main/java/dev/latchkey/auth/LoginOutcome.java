package dev.latchkey.auth;

/**
 * What a correct first factor earns: a session ({@link AuthResult}), or, for an account with two-step sign-in, the
 * step that asks for the second factor ({@link MfaRequired}). Either is the answer's body as it is.
 */
public sealed interface LoginOutcome permits AuthResult, MfaRequired {
}
