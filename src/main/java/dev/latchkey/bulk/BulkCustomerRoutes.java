package dev.latchkey.bulk;

import dev.latchkey.admin.AdminCustomerRoutes;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.PlainRequests;
import dev.latchkey.http.QueryParams;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Slots;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.List;

/**
 * The merchant's bulk routes: every customer as a CSV or NDJSON download, and imports of such files run in the
 * background, which the merchant may cancel. Added before the routes of one customer, whose
 * {@code /v1/admin/customers/{id}} would otherwise take {@code export} and {@code imports} for ids.
 */
public final class BulkCustomerRoutes {
    private static final String IMPORTS = "/v1/admin/customers/imports";

    private final Guard guard;
    private final CustomerDownload download;
    private final CustomerImports imports;
    private final Requests requests;

    public BulkCustomerRoutes(Guard guard, CustomerDownload download, CustomerImports imports, Requests requests) {
        this.guard = guard;
        this.download = download;
        this.imports = imports;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/customers/export", this::export);
        routes.before(IMPORTS, ctx -> Requests.allowBodyUpTo(ctx, CustomerImports.MAX_BYTES));
        routes.post(IMPORTS, this::submit);
        routes.get(IMPORTS, this::list);
        routes.get(IMPORTS + "/{id}", this::get);
        routes.post(IMPORTS + "/{id}/cancel", this::cancel);
    }

    private void export(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EXPORT_CUSTOMERS);
        String rawFormat = QueryParams.text(ctx, "format", 16);
        ImportJob.Format format = rawFormat == null ? ImportJob.Format.CSV : ImportJob.Format.ofWire(rawFormat)
                .orElseThrow(() -> ApiError.validation("format", "invalid", "format must be csv or ndjson."));
        var filter = new CustomerExport.Filter(AdminCustomerRoutes.filter(ctx, null),
                QueryParams.instant(ctx, "updated_since"));
        download.answer(ctx, admin, format, filter);
    }

    /**
     * The body's format (and a CSV's charset) from its Content-Type; {@code ?on_conflict=} says what a row of a known
     * email does. Everything that needs no body is checked before it is read, and before one of the node's few upload
     * slots is taken for it.
     */
    private void submit(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        UploadType type = UploadType.of(PlainRequests.declaredContentType(ctx));
        String rawConflict = QueryParams.text(ctx, "on_conflict", 16);
        ImportJob.OnConflict onConflict = rawConflict == null ? ImportJob.OnConflict.SKIP
                : ImportJob.OnConflict.ofWire(rawConflict).orElseThrow(() -> ApiError.validation("on_conflict",
                        "invalid", "on_conflict must be skip or update."));
        imports.requireRoom(admin.tenantId());
        ImportJob job;
        try (Slots.Slot slot = imports.uploadSlot()) {
            job = imports.submit(admin.tenantId(), type, onConflict, requests.upload(ctx), requests.client(ctx));
        }
        ctx.header("Location", IMPORTS + "/" + job.id());
        ctx.status(202).json(ImportView.of(job));
    }

    private void get(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.EDIT_CUSTOMERS).tenantId();
        String id = Identifiers.pathId(ctx, "id", "Import");
        ctx.json(ImportView.of(imports.get(tenantId, id)));
    }

    /** Takes no body: one sent is not read. */
    private void cancel(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Import");
        ctx.json(ImportView.of(imports.cancel(admin.tenantId(), id, admin.actor(), requests.client(ctx))));
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.EDIT_CUSTOMERS).tenantId();
        Paging paging = Paging.from(ctx, Listing.CUSTOMER_IMPORTS);
        ctx.json(imports.list(tenantId, paging.cursor(), paging.limit()).map(ImportView::of));
    }

    /** An import as the API shows it. */
    record ImportView(String id, String status, String format, String onConflict, int totalRows, int processedRows,
                      int created, int updated, int skipped, int failedRows, int passwordsKept,
                      List<ImportJob.RowError> errors, Instant createdAt, Instant finishedAt) {
        static ImportView of(ImportJob job) {
            var p = job.progress();
            return new ImportView(job.id(), job.status().wire(), job.format().wire(), job.onConflict().wire(),
                    job.totalRows(), p.processedRows(), p.created(), p.updated(), p.skipped(), p.failedRows(),
                    p.passwordsKept(), p.errors(), job.createdAt(), job.finishedAt());
        }
    }
}
