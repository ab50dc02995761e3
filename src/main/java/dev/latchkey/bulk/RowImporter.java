package dev.latchkey.bulk;

import dev.latchkey.address.AddressInput;
import dev.latchkey.address.AddressService;
import dev.latchkey.address.Book;
import dev.latchkey.admin.AdminCustomerService;
import dev.latchkey.admin.NewAccountInput;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.customer.AdminChanges;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.DatabaseErrors;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.JsonInput;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Imports one row in the batch's transaction, read and checked exactly as {@code POST /v1/admin/customers} reads its
 * body, plus its default address. A row of a known email with {@code on_conflict=update} changes that customer's
 * profile and default address, and sets its {@code password_hash} only on a customer without a password. A refused row
 * is rolled back to the savepoint before it, so that the rest of the batch commits, and is told with its line. The
 * address events and the change events ({@code customer.updated}, {@code customer.status_changed}) of a batch's rows
 * are recorded together at its end, in the rows' order: one batched insert instead of one to three a row.
 */
public final class RowImporter {
    static final String PLAIN_PASSWORD = "A plain password is not taken in bulk: each is hashed with Argon2id, about "
            + "30 a second, so a large file would take hours. Send password_hash (bcrypt or Argon2) from the old shop, "
            + "or leave it out and let the customers set a password through \"forgot password\".";
    private static final String SAVEPOINT = "import_row";
    private static final Logger log = LoggerFactory.getLogger(RowImporter.class);

    private final NewAccountInput newAccounts;
    private final AdminCustomerService admins;
    private final CustomerService customers;
    private final AddressService addresses;
    private final AuditLog audit;

    public RowImporter(NewAccountInput newAccounts, AdminCustomerService admins, CustomerService customers,
                AddressService addresses, AuditLog audit) {
        this.newAccounts = newAccounts;
        this.admins = admins;
        this.customers = customers;
        this.addresses = addresses;
        this.audit = audit;
    }

    /**
     * Imports a batch of the file's rows in the caller's transaction, with the audit events of their changes and
     * addresses.
     */
    void importBatch(Handle h, ImportJob job, ImportRows rows, List<ImportRows.Row> batch, Tally tally) {
        List<AuditLog.Entry> events = new ArrayList<>();
        batch.forEach(row -> events.addAll(importRow(h, job, rows, row, tally)));
        audit.recordAll(h, events);
    }

    /** Imports one row; answers the audit events of its change and its address, none when the row was refused. */
    private List<AuditLog.Entry> importRow(Handle h, ImportJob job, ImportRows rows, ImportRows.Row row,
                                           Tally tally) {
        if (row.unreadable() != null) {
            tally.failed(rows.errors(row.line(), row.unreadable()));
            return List.of();
        }
        JsonInput in = row.body();
        if (in.has("password")) {
            in.reject("password", "not_allowed", PLAIN_PASSWORD);
        }
        if (in.has("invitation_url")) {
            in.reject("invitation_url", "not_allowed", "An import sends no invitations: customers without "
                    + "password_hash set a password through \"forgot password\".");
        }
        AddressInput address = address(in).orElse(null);
        var account = newAccounts.read(in, job.tenantId());
        try {
            in.validate();
        } catch (ApiError refused) {
            tally.failed(rows.errors(row.line(), refused));
            return List.of();
        }
        h.savepoint(SAVEPOINT);
        try {
            List<AuditLog.Entry> events = apply(h, job, in, account, address, tally);
            h.releaseSavepoint(SAVEPOINT);
            return events;
        } catch (ApiError refused) {
            h.rollbackToSavepoint(SAVEPOINT);
            // a conflict of the unique email (another request made the customer meanwhile) names no field itself
            ApiError named = refused.errors().isEmpty() && refused.code().equals("email_taken")
                    ? ApiError.validation("email", refused.code(), refused.getMessage()) : refused;
            tally.failed(rows.errors(row.line(), named));
            return List.of();
        } catch (RuntimeException e) {
            // the row, not the database, is at fault when the savepoint can be gone back to: the job goes on
            h.rollbackToSavepoint(SAVEPOINT);
            log.warn("customer import {}: row on line {} failed ({})", job.id(), row.line(),
                    DatabaseErrors.withoutValues(e).toString());
            tally.failed(rows.errors(row.line(), new ApiError(500, "internal_error",
                    "The row could not be imported.")));
            return List.of();
        }
    }

    private static Optional<AddressInput> address(JsonInput in) {
        return in.object(CustomerColumns.ADDRESS).map(body -> {
            JsonInput nested = JsonInput.of(body);
            AddressInput address = AddressInput.forCreate(nested);
            in.adopt(CustomerColumns.ADDRESS + ".", nested);
            return address;
        });
    }

    /** Creates or changes the row's customer; answers the audit events of its change and address, to be recorded. */
    private List<AuditLog.Entry> apply(Handle h, ImportJob job, JsonInput in, AdminCustomerService.NewAccount account,
                                       AddressInput address, Tally tally) {
        Actor actor = new Actor(job.staffId());
        var client = new ClientInfo(job.clientIp(), job.userAgent(), job.staffId(), job.apiKeyId());
        Optional<Customer> existing = customers.findByEmail(h, job.tenantId(), account.email());
        if (existing.isEmpty()) {
            Customer created = admins.createImported(h, job.tenantId(), account, actor, client,
                    Map.of("import_id", job.id()));
            tally.created();
            return address == null ? List.of()
                    : addresses.createDefault(h, book(job, created, actor, client), address);
        }
        if (job.onConflict() == ImportJob.OnConflict.SKIP) {
            tally.skipped();
            return List.of();
        }
        Customer customer = existing.get();
        // what the row gives: an email_verified or status left out keeps the customer's
        var changes = new AdminChanges(null, in.given("email_verified") ? account.emailVerified() : null,
                in.given("status") ? account.status() : null, account.profile(), account.merchant());
        List<AuditLog.Entry> events = new ArrayList<>(admins.updateImported(h, job.tenantId(), customer.id(), changes,
                actor, client));
        if (address != null) {
            events.addAll(addresses.replaceDefault(h, book(job, customer, actor, client), address));
        }
        boolean passwordKept = account.passwordHash() != null && !admins.importPasswordHash(h, customer,
                account.passwordHash(), actor, client, Map.of("import_id", job.id()));
        tally.updated(passwordKept);
        return events;
    }

    /** The customer's address book as the import changes it: its events name the import, as its others do. */
    private static Book book(ImportJob job, Customer customer, Actor actor, ClientInfo client) {
        return new Book(job.tenantId(), customer.id(), true, actor.with(Map.of("import_id", job.id())), client);
    }
}
