package dev.latchkey.bulk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A cell written by the export reads back as it was stored, whether or not the export neutralised it. */
class CsvTest {
    @ParameterizedTest
    @ValueSource(strings = {"=1+2", "+49 30 1234", "-", "@handle", "'=already quoted", "'''-thrice", "''", "'", "o'brien",
            "plain", "'plain"})
    void cellWhenReadBackThenAsStored(String stored) {
        String written = Csv.cell(stored);
        String unquoted = written.startsWith("\"") ? written.substring(1, written.length() - 1).replace("\"\"", "\"")
                : written;
        assertThat(Csv.unneutralised(unquoted)).isEqualTo(stored);
        assertThat(unquoted.charAt(0)).as("no formula starts a cell").isNotIn('=', '+', '-', '@');
    }

    @Test
    void recordLineWhenBlankLinesAndQuotedLineBreaksBeforeThenTheLineItStartsOn() throws Csv.Malformed {
        var reader = new Csv.Reader(new java.io.StringReader("Email\r\n\r\n\na@example.com\r\n\"two\nlines\"\r\n\nb@example.com\r\n"));
        assertThat(reader.next()).contains(List.of("Email"));
        assertThat(reader.recordLine()).isEqualTo(1);
        assertThat(reader.next()).contains(List.of("a@example.com"));
        assertThat(reader.recordLine()).isEqualTo(4);
        assertThat(reader.next()).contains(List.of("two\nlines"));
        assertThat(reader.recordLine()).isEqualTo(5);
        assertThat(reader.next()).contains(List.of("b@example.com"));
        assertThat(reader.recordLine()).isEqualTo(8);
    }
}
