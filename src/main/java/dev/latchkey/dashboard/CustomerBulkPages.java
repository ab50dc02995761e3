package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.Permission;
import dev.latchkey.customer.Customer;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The customer list's action bar: the ticked customers get a tag, lose a tag or get a status, through the admin API's
 * bulk change (all or nothing, each customer recorded as a single change is). Disabling asks for a confirmation first.
 * Afterwards the list comes back with its filters and page, saying how many customers changed.
 */
public final class CustomerBulkPages {
    /** The list's query parameters that the way back keeps; anything else in it is dropped. */
    private static final Set<String> LIST_PARAMETERS = Set.of("q", "status", "tag", "accepts_marketing",
            "email_verified", "marketing_state", "cursor");
    /** A way back longer than this is no list's query (ten tags of 255 characters, encoded, fit): dropped. */
    private static final int MAX_BACK = 16_384;

    /** The confirmation asked before customers are disabled: the form again, with {@code confirm=yes}. */
    public record ConfirmPage(Frame frame, List<String> ids, String action, String tag, String status, String back) {
        /** "1 ticked customer", "3 ticked customers". */
        public String count() {
            return ids.size() + (ids.size() == 1 ? " ticked customer" : " ticked customers");
        }

        /** The list as it was, to go back to without changing anything. */
        public String backUrl() {
            return "/dashboard/customers" + (back.isEmpty() ? "" : "?" + back);
        }
    }

    private final Dashboard dashboard;
    private final CustomerSupport support;
    private final Requests requests;

    CustomerBulkPages(Dashboard dashboard, CustomerSupport support, Requests requests) {
        this.dashboard = dashboard;
        this.support = support;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/dashboard/customers/bulk", dashboard.page(this::change));
    }

    private void change(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.EDIT_CUSTOMERS);
        List<String> ids = ctx.formParams("ids");
        if (ids.isEmpty()) {
            throw new ApiError(422, "validation_failed", "Tick at least one customer in the list.");
        }
        String action = field(ctx, "action");
        String tag = field(ctx, "tag");
        String status = field(ctx, "status");
        String back = listQuery(ctx.formParam("back"));
        JsonInput body = JsonInput.of(body(ids, action, tag, status));
        if (status.equals(Customer.Status.DISABLED.wire()) && action.equals("status")
                && !"yes".equals(ctx.formParam("confirm"))) {
            dashboard.render(ctx, 200, "customers-confirm.jte", new ConfirmPage(
                    dashboard.frame(ctx, session, "Disable customers", "customers"), ids, action, tag, status, back));
            return;
        }
        int changed = support.changeMany(session.principal().tenantId(), body, requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/customers?" + (back.isEmpty() ? "" : back + "&") + "notice="
                + Notice.CUSTOMERS_CHANGED.wire() + "&changed=" + changed + "&selected=" + ids.size());
    }

    private static String field(Context ctx, String name) {
        String value = ctx.formParam(name);
        return value == null ? "" : value;
    }

    /** The admin API's bulk body for the chosen action: a tag field may hold several tags, comma-separated. */
    private static ObjectNode body(List<String> ids, String action, String tag, String status) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode();
        body.putArray("ids").addAll(ids.stream().map(nodes::textNode).toList());
        switch (action) {
            case "add_tag" -> body.putArray("add_tags").addAll(CustomerSupport.tagsOf(tag).stream()
                    .map(nodes::textNode).toList());
            case "remove_tag" -> body.putArray("remove_tags").addAll(CustomerSupport.tagsOf(tag).stream()
                    .map(nodes::textNode).toList());
            // the API takes any status its single change does; the dashboard only what a customer's page offers
            case "status" -> body.put("status", CustomerSupport.chosenStatus(status, CustomerSupport.anyTargets())
                    .wire());
            default -> throw new ApiError(422, "validation_failed", "Choose what to do with the ticked customers.");
        }
        return body;
    }

    /**
     * The list's query string the form came from, rebuilt from its known parameters, each value encoded again: the
     * redirect only ever leads back to the customer list, with nothing in its query the list would not read.
     */
    static String listQuery(String back) {
        if (back == null || back.length() > MAX_BACK) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String pair : back.split("&")) {
            int equals = pair.indexOf('=');
            if (equals <= 0 || !LIST_PARAMETERS.contains(pair.substring(0, equals))) {
                continue;
            }
            try {
                String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                kept.add(pair.substring(0, equals) + "=" + Dashboard.encode(value));
            } catch (IllegalArgumentException notEncoded) {
                // a broken escape: that filter is dropped, the others kept
            }
        }
        return String.join("&", kept);
    }
}
