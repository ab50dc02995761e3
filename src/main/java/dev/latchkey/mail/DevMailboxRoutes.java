package dev.latchkey.mail;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.QueryParams;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** {@code GET /dev/mailbox}: only registered when the dev mailbox is switched on. */
public final class DevMailboxRoutes {
    private static final int MAX = 100;

    private final DevMailbox mailbox;

    public DevMailboxRoutes(DevMailbox mailbox) {
        this.mailbox = mailbox;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dev/mailbox", this::list);
    }

    private void list(Context ctx) {
        String to = QueryParams.text(ctx, "to", EmailAddress.MAX_LENGTH);
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("data", mailbox.recent(to, MAX)));
    }
}
