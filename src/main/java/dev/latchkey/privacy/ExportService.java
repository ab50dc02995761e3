package dev.latchkey.privacy;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The data export (GDPR art. 15 and 20): everything held about a customer, one section per feature. */
public final class ExportService {
    static final String GENERATED_AT = "generated_at";

    private final List<ExportSection> sections;
    private final Clock clock;

    public ExportService(List<ExportSection> sections, Clock clock) {
        Set<String> names = new HashSet<>(Set.of(GENERATED_AT));
        for (ExportSection section : sections) {
            if (!names.add(section.name())) {
                throw new IllegalArgumentException("two export sections are named " + section.name());
            }
        }
        this.sections = List.copyOf(sections);
        this.clock = clock;
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
