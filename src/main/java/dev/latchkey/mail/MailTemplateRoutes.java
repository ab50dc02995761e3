package dev.latchkey.mail;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Page;
import dev.latchkey.http.Requests;
import dev.latchkey.tenant.ApiKey;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The merchant's own mail templates: read the shipped text, replace it per language, go back to it. */
public final class MailTemplateRoutes {
    private static final String ONE = "/v1/admin/mail-templates/{template}/{language}";

    private final Guard guard;
    private final MailTemplates templates;
    private final Requests requests;

    public MailTemplateRoutes(Guard guard, MailTemplates templates, Requests requests) {
        this.guard = guard;
        this.templates = templates;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/mail-templates", this::list);
        routes.get(ONE, this::get);
        routes.put(ONE, this::put);
        routes.delete(ONE, this::delete);
    }

    private void list(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_TEMPLATES);
        ctx.json(new Page<>(templates.list(key.tenantId()), null));
    }

    private void get(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_TEMPLATES);
        ctx.json(templates.get(key.tenantId(), template(ctx), ctx.pathParam("language")));
    }

    private void put(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_TEMPLATES);
        MailTemplate template = template(ctx);
        TemplateSource source = TemplateSource.from(requests.body(ctx));
        ctx.json(templates.put(key.tenantId(), template, ctx.pathParam("language"), source, key.actor(),
                requests.client(ctx)));
    }

    private void delete(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_TEMPLATES);
        templates.delete(key.tenantId(), template(ctx), ctx.pathParam("language"), key.actor(), requests.client(ctx));
        ctx.status(204);
    }

    private static MailTemplate template(Context ctx) {
        return MailTemplate.fromWire(ctx.pathParam("template")).orElseThrow(() -> ApiError.notFound("Mail template"));
    }
}
