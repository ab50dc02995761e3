package dev.latchkey.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The Customer object of the API. */
public record CustomerView(
        String id, String email, boolean emailVerified, String status, boolean mfaEnabled, String firstName,
        String lastName, String title, String phone, String company, String preferredLanguage,
        String preferredCurrency, String preferredSite, boolean acceptsMarketing, Instant acceptsMarketingUpdatedAt,
        MarketingConsent emailMarketingConsent, JsonNode attributes,
        String defaultShippingAddressId, String defaultBillingAddressId, Instant createdAt, Instant updatedAt,
        long version) {

    public static CustomerView of(Customer c, ObjectMapper mapper) {
        var p = c.profile();
        JsonNode attributes;
        try {
            attributes = mapper.readTree(p.attributes());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored attributes are JSON", e);
        }
        return new CustomerView(c.id(), c.email(), c.emailVerified(), c.status().wire(), c.mfaEnabled(), p.firstName(),
                p.lastName(), p.title(), p.phone(), p.company(), p.preferredLanguage(), p.preferredCurrency(), p.preferredSite(),
                p.acceptsMarketing(), p.acceptsMarketingUpdatedAt(), p.marketing(), attributes,
                c.defaultShippingAddressId(), c.defaultBillingAddressId(), c.createdAt(), c.updatedAt(), c.version());
    }

    /** Fields that change with every write and say nothing about what was changed. */
    private static final Set<String> BOOKKEEPING = Set.of("updated_at", "version", "accepts_marketing_updated_at");

    /** The names of the fields the API shows differently after a change, for the audit log's {@code changed}. */
    public static List<String> changedFields(Customer before, Customer after, ObjectMapper mapper) {
        JsonNode was = mapper.valueToTree(of(before, mapper));
        JsonNode now = mapper.valueToTree(of(after, mapper));
        List<String> changed = new ArrayList<>();
        was.fieldNames().forEachRemaining(name -> {
            if (!BOOKKEEPING.contains(name) && !was.get(name).equals(now.get(name))) {
                changed.add(name);
            }
        });
        return changed;
    }
}
