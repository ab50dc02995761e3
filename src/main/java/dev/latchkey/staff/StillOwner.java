package dev.latchkey.staff;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.http.ApiError;
import org.jdbi.v3.core.Handle;

/** For the changes only owners make (settings, API keys): the acting staff member is an owner still. */
public final class StillOwner implements ActorCheck {
    private final StaffStore store = new StaffStore();

    @Override
    public void stillPermitted(Handle h, String tenantId, Actor actor) {
        if (actor.staffId() == null) {
            return; // the secret key acts as the owner, and no demotion reaches it
        }
        boolean owner = store.findAccountById(h, tenantId, actor.staffId(), true)
                .map(account -> account.staff().roleValue() == AdminPrincipal.Role.OWNER).orElse(false);
        if (!owner) {
            throw ApiError.insufficientScope("Your role changed while this request waited: it needs an owner.");
        }
    }
}
