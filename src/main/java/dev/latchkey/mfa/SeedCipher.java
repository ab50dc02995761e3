package dev.latchkey.mfa;

import dev.latchkey.auth.Secrets;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Keeps TOTP seeds encrypted at rest: AES-256-GCM under a key derived (HKDF-SHA256, RFC 5869) from the server's key,
 * the one webhook secrets are derived from. One key to keep and share between nodes; the fingerprint check that stops
 * a node with another key from showing webhook secrets stops it from enrolling seeds too. The account's tenant and id
 * are the associated data, so a seed copied to another account's row does not decrypt. Other secrets the server must
 * read back (an identity provider's client secret) are kept the same way, each kind under a purpose of its own.
 */
public final class SeedCipher {
    /** What the customers' derived key is for: another purpose derived from the same server key gets another key. */
    static final String CUSTOMERS = "latchkey mfa totp seed encryption v1";
    /** The staff's seeds have a key of their own. */
    static final String STAFF = "latchkey staff mfa totp seed encryption v1";
    private static final String VERSION = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** {@code purpose} is the HKDF info: {@link #CUSTOMERS}, {@link #STAFF}, or another kind of secret's own. */
    public SeedCipher(byte[] serverKey, String purpose) {
        this.key = new SecretKeySpec(Secrets.derivedKey(serverKey, purpose), "AES");
    }

    /** {@code v1.} + base64url(nonce, ciphertext and tag). */
    public String encrypt(String tenantId, String ownerId, byte[] seed) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, tenantId, ownerId, seed);
        byte[] stored = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
        return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(stored);
    }

    /**
     * The seed. The caller checked that this node's key is the deployment's: one that does not decrypt then was
     * changed in the database.
     */
    public byte[] decrypt(String tenantId, String ownerId, String stored) {
        if (!stored.startsWith(VERSION)) {
            throw new IllegalStateException("unknown TOTP seed format");
        }
        byte[] raw = Base64.getUrlDecoder().decode(stored.substring(VERSION.length()));
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(raw, 0, nonce, 0, NONCE_BYTES);
        byte[] sealed = new byte[raw.length - NONCE_BYTES];
        System.arraycopy(raw, NONCE_BYTES, sealed, 0, sealed.length);
        return run(Cipher.DECRYPT_MODE, nonce, tenantId, ownerId, sealed);
    }

    private byte[] run(int mode, byte[] nonce, String tenantId, String ownerId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD((tenantId + "\n" + ownerId).getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("a stored TOTP seed does not decrypt under the server key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }
}
