package dev.latchkey.mail;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every message Latchkey sends, with the variables its templates may use. Messages that carry a single-use token also
 * get {@code link} (empty when the tenant has no allowed origin and the request named no URL), {@code token} and
 * {@code expires_in}.
 */
public enum MailTemplate {
    VERIFY_EMAIL(true),
    PASSWORD_RESET(true),
    EMAIL_CHANGE_CONFIRM(true, "new_email"),
    EMAIL_CHANGED_NOTICE(false, "new_email", "changed_by_shop"),
    PASSWORD_CHANGED_NOTICE(false),
    ACCOUNT_LOCKED_NOTICE(false, "locked_until"),
    DELETION_CONFIRM(true),
    INVITATION(true),
    AGENT_GRANTED_NOTICE(false, "agent_name", "agent_scope", "expires_at"),
    /** Its token is the six-digit code, and it never has a link. */
    LOGIN_CODE(true),
    MFA_ENABLED_NOTICE(false),
    MFA_DISABLED_NOTICE(false, "changed_by_shop"),
    PASSKEY_ADDED_NOTICE(false),
    /**
     * An address's first proof ended the ways in its previous holder had set up: each variable is set when some of its
     * kind went.
     */
    WAYS_IN_REMOVED_NOTICE(false, "passkeys_removed", "mfa_removed", "linked_accounts_removed", "agents_removed"),
    /** The double opt-in's link: the shopper is subscribed to marketing email once they open it. */
    MARKETING_CONFIRMATION(true);

    /** In a holder class because an enum's constructor may not read the enum's own static fields. */
    private static final class Names {
        static final Set<String> COMMON = Set.of("shop_name", "email", "first_name", "last_name");
        static final Set<String> TOKEN = Set.of("link", "token", "expires_in");
    }

    private final boolean carriesToken;
    private final Set<String> variables;

    MailTemplate(boolean carriesToken, String... own) {
        this.carriesToken = carriesToken;
        this.variables = Stream.of(Names.COMMON.stream(), carriesToken ? Names.TOKEN.stream() : Stream.<String>empty(),
                Arrays.stream(own)).flatMap(s -> s).collect(Collectors.toUnmodifiableSet());
    }

    public boolean carriesToken() {
        return carriesToken;
    }

    /** The variable names a template of this message may use; anything else is a typo. */
    public Set<String> variables() {
        return variables;
    }

    public String wire() {
        return name().toLowerCase();
    }

    public static Optional<MailTemplate> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(value)).findFirst();
    }
}
