package dev.latchkey.lockout;

import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.verification.CustomerMail;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Mails the owner once per lock, with a hint that a password reset ends it at once. */
public final class LockNoticeMail implements LockListener {
    private final Database db;
    private final CustomerService customers;
    private final CustomerMail mail;

    public LockNoticeMail(Database db, CustomerService customers, CustomerMail mail) {
        this.db = db;
        this.customers = customers;
        this.mail = mail;
    }

    @Override
    public void locked(AccountLocked event) {
        String until = DateTimeFormatter.ISO_INSTANT.format(event.lockedUntil().truncatedTo(ChronoUnit.SECONDS));
        db.tx(h -> {
            customers.find(h, event.tenantId(), event.customerId()).ifPresent(customer ->
                    mail.send(h, customer, customer.email(), MailTemplate.ACCOUNT_LOCKED_NOTICE,
                            Map.of("locked_until", until), null));
            return null;
        });
    }
}
