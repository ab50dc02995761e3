package dev.latchkey.webhook;

import java.util.List;

/**
 * What a PATCH asks to change; a null field is left as it is, but {@code description}, which may be cleared, is
 * changed exactly when {@code descriptionGiven}.
 */
record WebhookChanges(String url, List<String> events, boolean descriptionGiven, String description,
                      Webhook.Status status) {
}
