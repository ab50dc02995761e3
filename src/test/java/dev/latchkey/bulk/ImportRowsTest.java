package dev.latchkey.bulk;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A file in another charset is kept in UTF-8, transcoded a piece at a time into an array of the length counted. */
class ImportRowsTest {
    @Test
    void utf8WhenTheFileIsInAnotherCharsetThenItsTextWithoutTheByteOrderMarkInUtf8() throws Exception {
        // past the decoder's piece of 8192 characters, so that a surrogate pair may be cut between two pieces
        String text = "Email,Note\n" + "a@example.com,caf\u00e9 \u20ac \uD83D\uDE00\n".repeat(1000);
        for (Charset charset : new Charset[]{StandardCharsets.UTF_16, Charset.forName("GB18030")}) {
            byte[] file = ("\uFEFF" + text).getBytes(charset);
            var type = UploadType.csv(charset);

            long length = ImportRows.checkText(type, ByteBuffer.wrap(file));
            ByteBuffer kept = ImportRows.utf8(charset, ByteBuffer.wrap(file), length);

            byte[] expected = text.getBytes(StandardCharsets.UTF_8);
            assertThat(length).as(charset.name()).isEqualTo(expected.length);
            assertThat(Arrays.copyOfRange(kept.array(), 0, kept.limit())).as(charset.name()).isEqualTo(expected);
        }
    }
}
