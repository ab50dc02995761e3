package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;
import dev.latchkey.bulk.CustomerImports;
import dev.latchkey.bulk.ImportJob;
import dev.latchkey.bulk.UploadType;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Slots;
import dev.latchkey.staff.Staff;
import dev.latchkey.staff.StaffService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Customer imports, as Shopify's Customers → Import: a CSV file uploaded with what a row of a known email does, the
 * shop's imports newest first, and one import's progress, refused rows and cancel. Everything is the admin API's
 * ({@code /v1/admin/customers/imports}, permission {@code edit_customers}): the same checks of the file, the same job
 * run by the import worker, the same audit events, here naming the staff member.
 */
public final class ImportPages {
    static final String PATH = "/dashboard/imports";
    /** Room in an upload's body for the form around the file: its boundaries, part headers and other fields. */
    private static final long FORM_OVERHEAD = 64 * 1024;
    private static final int PAGE_SIZE = 25;
    /** The staff members named on the list: a shop has a few; one beyond these is named by id. */
    private static final int STAFF_NAMED = 100;
    /**
     * The encodings a file may be chosen in: a browser names none. UTF-8 (Excel's "CSV UTF-8", Numbers, Google
     * Sheets, Shopify's export) unless windows-1252 is chosen, which Excel's "CSV (Comma delimited)" writes in Western
     * Europe and the Americas (and which reads ISO-8859-1 files alike). The API takes any charset.
     */
    private static final Map<String, Charset> ENCODINGS = Map.of("utf-8", StandardCharsets.UTF_8,
            "windows-1252", Charset.forName("windows-1252"));

    /** The shop's imports; {@code who} names who started each, by job id. */
    public record ImportsPage(Frame frame, List<ImportJob> imports, Map<String, String> who, String nextUrl,
                              long maxMegabytes) {
    }

    /** One import; {@code refresh} while it may still change. */
    public record ImportPage(Frame frame, ImportJob job, String who, boolean refresh) {
        /** Whether the refused rows listed are only the first of those refused. */
        public boolean errorsCapped() {
            return job.progress().failedRows() > job.progress().errors().size();
        }
    }

    private final Dashboard dashboard;
    private final CustomerImports imports;
    private final StaffService staff;
    private final Requests requests;

    ImportPages(Dashboard dashboard, CustomerImports imports, StaffService staff, Requests requests) {
        this.dashboard = dashboard;
        this.imports = imports;
        this.staff = staff;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.before(PATH, ctx -> Requests.allowBodyUpTo(ctx, CustomerImports.MAX_BYTES + FORM_OVERHEAD));
        routes.get(PATH, dashboard.page(this::list));
        routes.post(PATH, dashboard.upload(this::upload));
        routes.get(PATH + "/{id}", dashboard.page(this::detail));
        routes.post(PATH + "/{id}/cancel", dashboard.page(this::cancel));
    }

    private DashboardSession session(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.EDIT_CUSTOMERS);
        return session;
    }

    private void list(Context ctx) {
        DashboardSession session = session(ctx);
        String tenantId = session.principal().tenantId();
        Page<ImportJob> page = imports.list(tenantId, Dashboard.cursor(ctx, Listing.CUSTOMER_IMPORTS), PAGE_SIZE);
        Map<String, String> emails = staffEmails(tenantId);
        Map<String, String> who = page.data().stream().collect(Collectors.toMap(ImportJob::id,
                job -> who(job, emails)));
        dashboard.render(ctx, 200, "imports.jte", new ImportsPage(
                dashboard.frame(ctx, session, "Import customers", "customers"), page.data(), who,
                Dashboard.nextUrl(PATH, page), CustomerImports.MAX_BYTES / (1024 * 1024)));
    }

    /**
     * The session and permission before the body is read (a file of up to 20 MB read for nobody), and one of the
     * node's few upload slots, shared with the API's uploads (503 {@code overloaded} when all are taken); the CSRF
     * token from the form before anything is done; then the file is checked and queued by the service, as the API's
     * upload is.
     */
    private void upload(Context ctx) {
        DashboardSession session = session(ctx);
        ImportJob job;
        try (Slots.Slot slot = imports.uploadSlot()) {
            UploadForm form = UploadForm.parse(ctx, requests.upload(ctx));
            Dashboard.checkCsrf(form.field(Dashboard.CSRF_FIELD), session.csrf());
            job = queue(ctx, session, form);
        }
        Dashboard.redirect(ctx, PATH + "/" + job.id() + "?notice=" + Notice.IMPORT_QUEUED.wire());
    }

    private ImportJob queue(Context ctx, DashboardSession session, UploadForm form) {
        ImportJob.OnConflict onConflict = Optional.ofNullable(form.field("on_conflict"))
                .flatMap(ImportJob.OnConflict::ofWire).orElseThrow(() -> new ApiError(422, "validation_failed", "Choose what to do with a customer the "
                        + "shop has already: skip or update."));
        UploadForm.File file = form.file("file");
        if (file == null) {
            throw new ApiError(422, "validation_failed", "Choose a CSV file to upload.");
        }
        if (file.content().remaining() > CustomerImports.MAX_BYTES) {
            throw new ApiError(413, "payload_too_large", "The file is larger than " + CustomerImports.MAX_BYTES
                    / (1024 * 1024) + " MB. Split it into smaller files and import them one after another.");
        }
        if (!isCsv(file)) {
            throw new ApiError(415, "unsupported_media_type", "Choose a CSV file (.csv), such as Shopify's customer "
                    + "export. Save a spreadsheet as CSV (UTF-8) first.");
        }
        Charset encoding = ENCODINGS.get(Objects.requireNonNullElse(form.field("encoding"), "utf-8"));
        if (encoding == null) {
            throw new ApiError(422, "validation_failed", "Choose the file's encoding: UTF-8 or Windows-1252.");
        }
        return imports.submit(session.principal().tenantId(), UploadType.csv(encoding), onConflict, file.content(),
                requests.client(ctx));
    }

    /**
     * By its name or by its type: browsers on Windows send a .csv file as {@code application/vnd.ms-excel}, and a file
     * without the extension is still taken when the browser knows it as CSV. What it holds is the service's to check.
     */
    private static boolean isCsv(UploadForm.File file) {
        return file.name().toLowerCase(Locale.ROOT).endsWith(".csv")
                || ImportJob.Format.ofMediaType(file.contentType()).filter(f -> f == ImportJob.Format.CSV).isPresent();
    }

    private void detail(Context ctx) {
        DashboardSession session = session(ctx);
        String tenantId = session.principal().tenantId();
        ImportJob job = imports.get(tenantId, importId(ctx));
        String who = who(job, job.staffId() == null ? Map.of() : staffEmails(tenantId));
        dashboard.render(ctx, 200, "import.jte", new ImportPage(
                dashboard.frame(ctx, session, "Import", "customers"), job, who, !job.status().ended()));
    }

    /** An import that has ended meanwhile is not an error: the page says so, as the API's 409 does. */
    private void cancel(Context ctx) {
        DashboardSession session = dashboard.requireForm(ctx);
        Dashboard.permit(session, Permission.EDIT_CUSTOMERS);
        String id = importId(ctx);
        Notice notice = Notice.IMPORT_CANCELLED;
        try {
            imports.cancel(session.principal().tenantId(), id, session.principal().actor(), requests.client(ctx));
        } catch (ApiError refused) {
            if (!refused.code().equals("import_finished")) {
                throw refused;
            }
            notice = Notice.IMPORT_FINISHED;
        }
        Dashboard.redirect(ctx, PATH + "/" + id + "?notice=" + notice.wire());
    }

    private Map<String, String> staffEmails(String tenantId) {
        return staff.list(tenantId, null, STAFF_NAMED).data().stream()
                .collect(Collectors.toMap(Staff::id, Staff::email));
    }

    private static String who(ImportJob job, Map<String, String> staffEmails) {
        if (job.staffId() != null) {
            return staffEmails.getOrDefault(job.staffId(), "staff member " + job.staffId());
        }
        return job.apiKeyId() != null ? "API key " + job.apiKeyId() : "—";
    }

    private static String importId(Context ctx) {
        return Identifiers.pathId(ctx, "id", "Import");
    }
}
