package dev.latchkey.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.Context;

/** Reading the parts of a request that every route needs. */
public final class Requests {
    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final ClientAddresses addresses;

    public Requests(ObjectMapper mapper, ClientAddresses addresses) {
        this.mapper = mapper;
        this.reader = JsonInput.reader(mapper);
        this.addresses = addresses;
    }

    public JsonInput body(Context ctx) {
        return JsonInput.parse(reader, ctx.bodyAsBytes());
    }

    public ClientInfo client(Context ctx) {
        return addresses.client(ctx);
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
