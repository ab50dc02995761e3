package dev.latchkey.bulk;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.customer.CustomerFilter;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;

/**
 * Answers a bulk export as a file to download, for the admin API and the dashboard's "Export CSV" link alike. The
 * caller has checked that its caller may export customers.
 */
public final class CustomerDownload {
    private final CustomerExport export;
    private final Requests requests;

    public CustomerDownload(CustomerExport export, Requests requests) {
        this.export = export;
        this.requests = requests;
    }

    /** Every customer the filter keeps (it has no search term) as CSV. */
    public void csv(Context ctx, AdminPrincipal admin, CustomerFilter filter) {
        answer(ctx, admin, ImportJob.Format.CSV, new CustomerExport.Filter(filter, null));
    }

    void answer(Context ctx, AdminPrincipal admin, ImportJob.Format format, CustomerExport.Filter filter) {
        ctx.header("Content-Disposition", "attachment; filename=\"customers." + format.wire() + "\"");
        String contentType = format == ImportJob.Format.CSV ? "text/csv; charset=utf-8" : format.mediaType();
        if (Requests.headOnly(ctx, contentType)) {
            return; // the download is made, and recorded, only when it is asked for
        }
        requests.stream(ctx, contentType, out -> export.write(admin.tenantId(), format, filter, admin.actor(),
                requests.client(ctx), out));
    }
}
