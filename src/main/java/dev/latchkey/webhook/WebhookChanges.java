package dev.latchkey.webhook;

import java.util.List;

/**
 * What a PATCH asks to change; a null field is left as it is, but {@code description}, which may be cleared, is
 * changed exactly when {@code descriptionGiven}.
 */
public record WebhookChanges(String url, List<String> events, boolean descriptionGiven, String description,
                             Webhook.Status status) {
    /** A change of the status alone: the dashboard's disable and enable buttons. */
    public static WebhookChanges status(Webhook.Status status) {
        return new WebhookChanges(null, null, false, null, status);
    }
}
