package dev.latchkey.auth;

import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The logged-in shopper's sessions (their devices). */
public final class SessionRoutes {
    private final Guard guard;
    private final SessionService sessions;
    private final Requests requests;

    public SessionRoutes(Guard guard, SessionService sessions, Requests requests) {
        this.guard = guard;
        this.sessions = sessions;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me/sessions", this::list);
        routes.delete("/v1/me/sessions", this::revokeOthers);
        routes.delete("/v1/me/sessions/{id}", this::revoke);
    }

    private void list(Context ctx) {
        AccessToken token = guard.customer(ctx);
        Paging paging = Paging.from(ctx, Listing.SESSIONS);
        ctx.json(sessions.list(token.tenantId(), token.customerId(), token.sessionId(), paging.cursor(),
                paging.limit()));
    }

    private void revokeOthers(Context ctx) {
        AccessToken token = guard.customer(ctx);
        sessions.revokeOthers(token.tenantId(), token.customerId(), token.sessionId(), requests.client(ctx));
        ctx.status(204);
    }

    private void revoke(Context ctx) {
        AccessToken token = guard.customer(ctx);
        sessions.revoke(token, ctx.pathParam("id"), requests.client(ctx));
        ctx.status(204);
    }
}
