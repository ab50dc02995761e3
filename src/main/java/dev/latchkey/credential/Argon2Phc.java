package dev.latchkey.credential;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Argon2 (RFC 9106) hashes in the PHC string form {@code $argon2id$v=19$m=19456,t=2,p=1$salt$digest}, computed by
 * Bouncy Castle, in the blocks of the calling thread's {@link Argon2Memory}. Blocks are the same for every cost, so
 * imported hashes with other parameters share them too.
 */
record Argon2Phc(int type, int version, int memoryKib, int iterations, int parallelism, byte[] salt, byte[] digest) {
    private static final int SALT_LENGTH = 16;
    /** RFC 9106's lower bounds. */
    private static final int MIN_SALT_LENGTH = 8;
    private static final int MIN_DIGEST_LENGTH = 4;
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    boolean isCurrent(int memoryKib, int iterations, int parallelism, int digestLength) {
        return type == Argon2Parameters.ARGON2_id && version == Argon2Parameters.ARGON2_VERSION_13
                && this.memoryKib == memoryKib && this.iterations == iterations && this.parallelism == parallelism
                && digest.length == digestLength;
    }

    /** A new Argon2id v1.3 hash of the password with a random salt. */
    static String hash(String password, Argon2Memory memory, int memoryKib, int iterations, int parallelism,
                       int digestLength) {
        byte[] salt = random(SALT_LENGTH);
        return argon2id(memoryKib, iterations, parallelism, salt, argon2id(memoryKib, iterations, parallelism, salt, null)
                .compute(password, memory, digestLength)).encode();
    }

    /**
     * A well-formed hash with these parameters and a random salt and digest, made without hashing: verifying against
     * it costs one real verification, and no password matches it.
     */
    static String decoy(int memoryKib, int iterations, int parallelism, int digestLength) {
        return argon2id(memoryKib, iterations, parallelism, random(SALT_LENGTH), random(digestLength)).encode();
    }

    private static Argon2Phc argon2id(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] digest) {
        return new Argon2Phc(Argon2Parameters.ARGON2_id, Argon2Parameters.ARGON2_VERSION_13, memoryKib, iterations,
                parallelism, salt, digest);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The hash's parameters, salt and digest; empty when it is not a well-formed Argon2 PHC string. */
    static Optional<Argon2Phc> parse(String hash) {
        Matcher m = HashFormat.ARGON2_PHC.matcher(hash == null ? "" : hash);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<SaltAndDigest> bytes = SaltAndDigest.of(hash);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            int type = switch (m.group(1)) {
                case "id" -> Argon2Parameters.ARGON2_id;
                case "i" -> Argon2Parameters.ARGON2_i;
                default -> Argon2Parameters.ARGON2_d;
            };
            // the PHC form leaves the version out for Argon2 1.0
            int version = "19".equals(m.group(2)) ? Argon2Parameters.ARGON2_VERSION_13 : Argon2Parameters.ARGON2_VERSION_10;
            return Optional.of(new Argon2Phc(type, version, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)), bytes.get().salt(), bytes.get().digest()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // a parameter beyond an int
        }
    }

    /**
     * Whether a string of the PHC shape carries a salt and digest that are base64 of lengths RFC 9106 allows; its
     * parameters are not looked at, so that a malformed hash is told apart from one of an unaffordable cost.
     */
    static boolean wellFormed(String hash) {
        return HashFormat.ARGON2_PHC.matcher(hash).matches() && SaltAndDigest.of(hash).isPresent();
    }

    /** The last two fields of a PHC string, decoded. */
    private record SaltAndDigest(byte[] salt, byte[] digest) {
        static Optional<SaltAndDigest> of(String hash) {
            String[] fields = hash.split("\\$");
            try {
                byte[] salt = Base64.getDecoder().decode(fields[fields.length - 2]);
                byte[] digest = Base64.getDecoder().decode(fields[fields.length - 1]);
                return salt.length < MIN_SALT_LENGTH || digest.length < MIN_DIGEST_LENGTH ? Optional.empty()
                        : Optional.of(new SaltAndDigest(salt, digest));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether the password yields this digest; compared in constant time. */
    boolean matches(String password, Argon2Memory memory) {
        return MessageDigest.isEqual(compute(password, memory, digest.length), digest);
    }

    private byte[] compute(String password, Argon2Memory memory, int digestLength) {
        var generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(type).withVersion(version).withMemoryAsKB(memoryKib)
                .withIterations(iterations).withParallelism(parallelism).withSalt(salt).withBlockPool(memory).build());
        byte[] out = new byte[digestLength];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    String encode() {
        String name = switch (type) {
            case Argon2Parameters.ARGON2_id -> "argon2id";
            case Argon2Parameters.ARGON2_i -> "argon2i";
            default -> "argon2d";
        };
        return "$" + name + "$v=" + version + "$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(digest);
    }
}
