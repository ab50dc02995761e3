package dev.latchkey.privacy;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Slots;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The data export (GDPR art. 15 and 20): everything held about a customer, one section per feature. The shopper
 * downloads it, or the merchant does for them (an access request made by mail or phone).
 */
public final class ExportService {
    static final String GENERATED_AT = "generated_at";
    /**
     * Exports a node writes at once. Each is written as it is read, a page of orders or events at a time, so memory
     * stays small, but each also reads a customer's whole history: a few large ones at once would keep the database
     * and the node busy for everyone else.
     */
    static final int AT_ONCE = 4;

    private final List<ExportSection> sections;
    private final Database db;
    private final CustomerService customers;
    private final AuditLog audit;
    private final Clock clock;
    private final Slots writing = new Slots(AT_ONCE, "Too many data exports are being written; try again shortly.");

    /**
     * Writes a document out as it is read. {@code beforeEnd} runs once all of it is written and before the answer
     * ends; when it throws, the answer must not end as if complete.
     */
    public interface Writer {
        void write(Map<String, Object> document, Runnable beforeEnd);
    }

    public ExportService(List<ExportSection> sections, Database db, CustomerService customers, AuditLog audit,
                         Clock clock) {
        Set<String> names = new HashSet<>(Set.of(GENERATED_AT));
        for (ExportSection section : sections) {
            if (!names.add(section.name())) {
                throw new IllegalArgumentException("two export sections are named " + section.name());
            }
        }
        this.sections = List.copyOf(sections);
        this.db = db;
        this.customers = customers;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The shopper's own document, fetched by the merchant and handed to {@code answer}: 404 for no such customer, also
     * one erased while the document is read. Once it is written, recorded about the customer as
     * {@code customer.exported}, so the shopper's next export shows that it was handed out.
     */
    public void exportForMerchant(String tenantId, String customerId, Actor actor, ClientInfo client, Writer answer) {
        requireCustomer(tenantId, customerId);
        try {
            export(tenantId, customerId, answer, h -> audit.record(h, tenantId, customerId,
                    AuditType.CUSTOMER_EXPORTED, client, actor.with(Map.of())));
        } catch (ApiError e) {
            // the profile section reads as the shopper would (401 for an erased account): the merchant gets 404
            throw e.status() == 401 || e.status() == 404 ? ApiError.notFound("Customer") : e;
        }
    }

    /** 404 unless the tenant has this customer: what a merchant's export would answer, without making one. */
    public void requireCustomer(String tenantId, String customerId) {
        customers.get(tenantId, customerId);
    }

    /**
     * Hands the customer's document to {@code answer}, which is to write it out as it goes: its orders and audit events
     * are read while they are written. 404 when the customer is erased before it is all written: the sections are
     * read one after another, and those read after the erasure would be missing from an answer that looked whole.
     * 503 {@code overloaded} while {@link #AT_ONCE} exports are being written here.
     */
    public void export(String tenantId, String customerId, Writer answer) {
        export(tenantId, customerId, answer, h -> { });
    }

    private void export(String tenantId, String customerId, Writer answer, Consumer<Handle> written) {
        try (Slots.Slot slot = writing.take()) {
            // locked, so that an erasure waits for what is recorded about the export, and takes it away with the rest
            answer.write(document(tenantId, customerId), () -> db.tx(h -> {
                customers.lock(h, tenantId, customerId).orElseThrow(() -> ApiError.notFound("Customer"));
                written.accept(h);
                return null;
            }));
        }
    }

    private Map<String, Object> document(String tenantId, String customerId) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(GENERATED_AT, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        for (ExportSection section : sections) {
            document.put(section.name(), section.export(tenantId, customerId));
        }
        return document;
    }
}
