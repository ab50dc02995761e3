package dev.latchkey.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which {@code Accept-Encoding} values get a streamed answer gzipped (RFC 9110, section 12.5.3). */
class AcceptEncodingTest {
    @Test
    void gzipWhenNamedOrStarredWithoutQZero() {
        assertThat(Requests.takesGzip("gzip")).isTrue();
        assertThat(Requests.takesGzip("deflate, GZIP;q=0.5")).isTrue();
        assertThat(Requests.takesGzip("x-gzip")).isTrue();
        assertThat(Requests.takesGzip("br;q=1.0, *;q=0.1")).isTrue();
        assertThat(Requests.takesGzip("gzip; q=0.001")).isTrue();
    }

    @Test
    void plainWhenAbsentRefusedOrOnlyOthers() {
        assertThat(Requests.takesGzip(null)).isFalse();
        assertThat(Requests.takesGzip("")).isFalse();
        assertThat(Requests.takesGzip("identity")).isFalse();
        assertThat(Requests.takesGzip("br, deflate")).isFalse();
        assertThat(Requests.takesGzip("gzip;q=0")).isFalse();
        assertThat(Requests.takesGzip("gzip; q=0.000, *")).isFalse();
        assertThat(Requests.takesGzip("*;q=0")).isFalse();
        assertThat(Requests.takesGzip("*;q=0, gzip")).isTrue();
    }
}
