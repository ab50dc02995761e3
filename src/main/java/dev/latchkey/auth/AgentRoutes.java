package dev.latchkey.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The logged-in customer's AI shopping agents: grant one a scoped token, list the grants, revoke one. Only the
 * customer's own token may do this; an agent cannot grant, list or revoke agents, whatever its scope.
 */
public final class AgentRoutes {
    private final Guard guard;
    private final AgentService agents;
    private final Requests requests;
    private final RateLimits limits;
    private final Clock clock;

    public AgentRoutes(Guard guard, AgentService agents, Requests requests, RateLimits limits, Clock clock) {
        this.guard = guard;
        this.agents = agents;
        this.requests = requests;
        this.limits = limits;
        this.clock = clock;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/me/agents", this::grant);
        routes.get("/v1/me/agents", this::list);
        routes.delete("/v1/me/agents/{id}", this::revoke);
    }

    private void grant(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        String name = in.requiredLine("name", AgentService.MAX_NAME);
        Set<AgentScope> scope = scope(in).orElse(null);
        Long expiresIn = in.integer("expires_in", AgentService.MIN_LIFETIME_SECONDS,
                AgentService.MAX_LIFETIME_SECONDS).orElse(null);
        in.validate();
        // the password check counts as a login attempt of the account, as a password or email change does
        limits.enforce(ctx, token.tenantId(), LimitedAction.LOGIN, token.email());
        AgentGrant.Issued issued = agents.grant(token, password, name, scope, expiresIn, requests.client(ctx));
        ObjectNode body = requests.mapper().valueToTree(issued.grant());
        body.put("access_token", issued.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", AuthResult.secondsUntil(clock.instant(), issued.grant().expiresAt()));
        ctx.status(201).json(body);
    }

    /** {@code scope}: a non-empty array of known scope names, each named once. */
    private static Optional<Set<AgentScope>> scope(JsonInput in) {
        if (!in.given("scope")) {
            in.reject("scope", "required", "scope is required: the names of what the agent may do, of "
                    + AgentScope.allWire() + ".");
            return Optional.empty();
        }
        Optional<Set<AgentScope>> scope = in.distinctNames("scope", AgentScope.class, AgentScope::fromWire,
                AgentScope.allWire());
        if (scope.isPresent() && scope.get().isEmpty()) {
            in.reject("scope", "too_short", "scope must name at least one of " + AgentScope.allWire() + ".");
            return Optional.empty();
        }
        return scope;
    }

    private void list(Context ctx) {
        AccessToken token = guard.customer(ctx);
        Paging paging = Paging.from(ctx, Listing.AGENTS);
        ctx.json(agents.list(token, paging.cursor(), paging.limit()));
    }

    private void revoke(Context ctx) {
        AccessToken token = guard.customer(ctx);
        String agentId = Identifiers.pathId(ctx, "id", "Agent grant");
        agents.revoke(token, agentId, requests.client(ctx));
        ctx.status(204);
    }
}
