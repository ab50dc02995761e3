package dev.latchkey.auth;

import java.time.Instant;

/** A fresh token pair: the only moment the plain tokens exist on the server. */
public record Issued(String sessionId, String customerId, String accessToken, Instant accessExpiresAt,
                     String refreshToken, Instant refreshExpiresAt) {
}
