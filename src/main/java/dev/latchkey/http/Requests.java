package dev.latchkey.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** Reading the parts of a request that every route needs. */
public final class Requests {
    private final ObjectMapper mapper;

    public Requests(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public JsonInput body(Context ctx) {
        return JsonInput.parse(mapper, ctx.body());
    }

    public ClientInfo client(Context ctx) {
        return new ClientInfo(ctx.ip(), ctx.userAgent());
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
