package dev.latchkey.credential;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generates and checks the blocklist resource: it must be exactly zxcvbn4j's bundled passwords.txt (the 30,000 most
 * common passwords of leaked sets, most common first) under a short header. After a zxcvbn4j upgrade, regenerate with
 * {@code mvn -o test -Dtest=CommonPasswordsFileTest -Dlatchkey.regenerate=true} and commit the file.
 */
class CommonPasswordsFileTest {
    private static final String SOURCE = "/com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt";
    private static final Path TARGET = Path.of("src/main/resources/dev/latchkey/credential", CommonPasswords.RESOURCE);
    private static final List<String> HEADER = List.of(
            "# The 30000 most common passwords, most common first: passwords.txt of zxcvbn4j (com.nulab-inc:zxcvbn on Maven",
            "# Central, MIT licence; the version is the one in pom.xml), compiled from leaked password sets for Dropbox's zxcvbn.",
            "# Generated and checked by CommonPasswordsFileTest; after a zxcvbn4j upgrade regenerate it with",
            "#   mvn -o test -Dtest=CommonPasswordsFileTest -Dlatchkey.regenerate=true");

    static String generate() throws IOException {
        try (InputStream in = CommonPasswordsFileTest.class.getResourceAsStream(SOURCE)) {
            assertThat(in).as("zxcvbn4j's passwords.txt on the classpath").isNotNull();
            List<String> lines = new ArrayList<>(HEADER);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            return String.join("\n", lines) + "\n";
        }
    }

    @Test
    void resourceIsTheBundledListOfZxcvbn() throws IOException {
        String expected = generate();
        if (Boolean.getBoolean("latchkey.regenerate")) {
            Files.writeString(TARGET, expected);
        }
        assertThat(Files.readString(TARGET)).isEqualTo(expected);
    }

    @Test
    void blocklistHoldsAtLeastTheTenThousandMostCommonPasswords() {
        CommonPasswords common = CommonPasswords.load();
        assertThat(common.size()).isGreaterThanOrEqualTo(10_000);
        assertThat(common.contains("123456")).isTrue();
        assertThat(common.contains("Password")).isTrue();
        assertThat(common.contains("trustno1")).isTrue();
        assertThat(common.contains("correct horse battery staple")).isFalse();
    }
}
