package dev.latchkey.privacy;

import java.util.function.BiFunction;

/**
 * One feature's part of the data export: a top-level key of the document and what the feature holds about the
 * customer under it. Sections are listed in the application wiring, in the order the document shows them.
 */
public interface ExportSection {
    String name();

    Object export(String tenantId, String customerId);

    static ExportSection of(String name, BiFunction<String, String, ?> export) {
        return new ExportSection() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object export(String tenantId, String customerId) {
                return export.apply(tenantId, customerId);
            }
        };
    }
}
