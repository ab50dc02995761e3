package dev.latchkey.bulk;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
