package dev.latchkey.privacy;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.ClientInfo;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data export (GDPR art. 15 and 20): everything held about a customer, one section per feature. The shopper
 * downloads it, or the merchant does for them (an access request made by mail or phone).
 */
public final class ExportService {
    static final String GENERATED_AT = "generated_at";

    private final List<ExportSection> sections;
    private final CustomerService customers;
    private final AuditLog audit;
    private final Clock clock;

    public ExportService(List<ExportSection> sections, CustomerService customers, AuditLog audit, Clock clock) {
        Set<String> names = new HashSet<>(Set.of(GENERATED_AT));
        for (ExportSection section : sections) {
            if (!names.add(section.name())) {
                throw new IllegalArgumentException("two export sections are named " + section.name());
            }
        }
        this.sections = List.copyOf(sections);
        this.customers = customers;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The shopper's own document, fetched by the merchant: 404 for no such customer. Recorded about the customer as
     * {@code customer.exported}, so the shopper's next export shows that it was handed out.
     */
    public Map<String, Object> exportForMerchant(String tenantId, String customerId, Actor actor, ClientInfo client) {
        customers.get(tenantId, customerId);
        audit.record(tenantId, customerId, AuditType.CUSTOMER_EXPORTED, client, actor.with(Map.of()));
        return export(tenantId, customerId);
    }

    public Map<String, Object> export(String tenantId, String customerId) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(GENERATED_AT, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        for (ExportSection section : sections) {
            document.put(section.name(), section.export(tenantId, customerId));
        }
        return document;
    }
}
