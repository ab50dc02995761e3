package dev.latchkey.credential;

import dev.latchkey.http.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImportedHashesTest {
    /** Salt and digest of the Argon2 reference implementation's example, under other parameters. */
    private static final String SALT_AND_DIGEST = "$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

    private static String code(String hash) {
        return ImportedHashes.problem("password_hash", hash).map(FieldError::code).orElse("ok");
    }

    private static String argon2id(String parameters) {
        return "$argon2id$v=19$" + parameters + SALT_AND_DIGEST;
    }

    @Test
    void problemWhenKnownAffordableFormatThenNone() {
        assertThat(code("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("ok");
        assertThat(code("$2y$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("ok");
        assertThat(code("$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")).isEqualTo("ok");
        var hasher = new PasswordHasher(dev.latchkey.config.Config.Argon2.OWASP, new HashingPool(1, 8, 1024));
        assertThat(code(hasher.hash("x"))).isEqualTo("ok");
    }

    @Test
    void problemWhenCostOfWhatRealSystemsWriteThenNone() {
        for (String parameters : new String[] {
                "m=65536,t=3,p=4", // RFC 9106's second recommended option; node-argon2 and argon2-cffi defaults
                "m=65536,t=4,p=1", // PHP's password_hash(PASSWORD_ARGON2ID) and Laravel defaults
                "m=65536,t=2,p=1", // libsodium's INTERACTIVE limits
                "m=65536,t=1,p=8",
                "m=47104,t=1,p=1", "m=19456,t=2,p=1", "m=12288,t=3,p=1", "m=9216,t=4,p=1", "m=7168,t=5,p=1", // OWASP
                "m=16384,t=2,p=1", // Spring Security
                "m=8,t=1,p=1"}) {
            assertThat(code(argon2id(parameters))).as(parameters).isEqualTo("ok");
        }
        assertThat(code("$2b$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("ok");
        assertThat(code("$2b$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("ok");
    }

    @Test
    void problemWhenUnknownFormatThenUnsupported() {
        for (String hash : new String[] {"5f4dcc3b5aa765d61d8327deb882cf99", "plain text",
                "$pbkdf2-sha256$29000$N2YuJWmw$5tQ2Vc5Jn1b8w3b4Zl2o8F4b1Qk7Yp3d1s6c5b4a3Zq",
                "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$05$tooShort", "$argon2id$v=19$m=65536$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"}) {
            assertThat(code(hash)).as(hash).isEqualTo("unsupported_hash_format");
        }
    }

    @Test
    void problemWhenArgon2SaltOrDigestNotBase64ThenUnsupported() {
        for (String hash : new String[] {
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxx$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObGx",
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJ=bG",
                "$argon2id$v=19$m=1024,t=2,p=1$c2hvcnRz$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", // a 6-byte salt
                "$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$BfPS"}) { // a 3-byte digest
            assertThat(code(hash)).as(hash).isEqualTo("unsupported_hash_format");
        }
    }

    @Test
    void problemWhenCostBeyondWhatALoginAffordsThenOutOfRange() {
        for (String parameters : new String[] {"m=65537,t=1,p=1", "m=65536,t=5,p=1", "m=32768,t=9,p=1",
                "m=65536,t=1,p=9", "m=262144,t=16,p=16", "m=9999999999,t=1,p=1", "m=65536,t=9999999999,p=1",
                "m=65536,t=0,p=1", "m=8,t=1,p=2"}) {
            assertThat(code(argon2id(parameters))).as(parameters).isEqualTo("out_of_range");
        }
        assertThat(code("$2b$13$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("out_of_range");
        assertThat(code("$2b$14$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("out_of_range");
        assertThat(code("$2b$15$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("out_of_range");
        assertThat(code("$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isEqualTo("out_of_range");
        assertThat(code("$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"))
                .isEqualTo("out_of_range");
        assertThat(code("$argon2id$v=19$m=65536,t=99,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"))
                .isEqualTo("out_of_range");
        assertThat(code("$argon2id$v=19$m=65536,t=2,p=0$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"))
                .isEqualTo("out_of_range");
    }
}
