package dev.latchkey.http;

import io.javalin.http.ExceptionHandler;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.security.RouteRole;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsExceptionHandler;
import io.javalin.websocket.WsHandlerType;

import java.util.function.Consumer;

/**
 * Adds every GET route a HEAD twin that runs the same handler, so HEAD answers what GET would, headers and status
 * (RFC 9110), without the body. Left to itself the framework answers HEAD 200 for any GET route without running it:
 * a protected route then answers 200 to a caller without credentials.
 */
final class HeadAsGet implements JavalinDefaultRoutingApi {
    private final JavalinDefaultRoutingApi routes;

    HeadAsGet(JavalinDefaultRoutingApi routes) {
        this.routes = routes;
    }

    @Override
    public JavalinDefaultRoutingApi addEndpoint(Endpoint endpoint) {
        routes.addEndpoint(endpoint);
        if (endpoint.method == HandlerType.GET) {
            routes.addEndpoint(new Endpoint(HandlerType.HEAD, endpoint.path, endpoint.handler));
        }
        return this;
    }

    @Override
    public <E extends Exception> JavalinDefaultRoutingApi exception(Class<E> type,
                                                                           ExceptionHandler<? super E> handler) {
        routes.exception(type, handler);
        return this;
    }

    @Override
    public JavalinDefaultRoutingApi error(int status, String contentType, Handler handler) {
        routes.error(status, contentType, handler);
        return this;
    }

    @Override
    public <E extends Exception> JavalinDefaultRoutingApi wsException(Class<E> type,
                                                                             WsExceptionHandler<? super E> handler) {
        routes.wsException(type, handler);
        return this;
    }

    @Override
    public JavalinDefaultRoutingApi addWsHandler(WsHandlerType type, String path,
                                                         Consumer<WsConfig> config, RouteRole ... roles) {
        routes.addWsHandler(type, path, config, roles);
        return this;
    }
}
