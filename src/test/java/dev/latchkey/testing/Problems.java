package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on RFC 9457 problem answers: which fields a 422 names, and with which code. */
public final class Problems {
    private Problems() {
    }

    /** The {@code errors[]} of a problem as {@code "field:code"} strings, in order. */
    public static List<String> fieldErrors(Api.Res res) {
        List<String> out = new ArrayList<>();
        for (JsonNode error : res.body().path("errors")) {
            out.add(error.path("field").asText() + ":" + error.path("code").asText());
        }
        return out;
    }

    /** Asserts a 422 validation_failed that names {@code field} with {@code code}. */
    public static Api.Res assertInvalid(Api.Res res, String field, String code) {
        res.expect(422, "validation_failed");
        assertThat(fieldErrors(res)).as("errors of %s", res.raw()).contains(field + ":" + code);
        return res;
    }

    /** Asserts a 422 validation_failed that names {@code field}, whatever the code. */
    public static Api.Res assertInvalidField(Api.Res res, String field) {
        res.expect(422, "validation_failed");
        assertThat(fieldErrors(res)).as("errors of %s", res.raw()).anyMatch(e -> e.startsWith(field + ":"));
        return res;
    }
}
