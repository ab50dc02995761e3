package dev.latchkey.credential;

import java.util.Optional;
import java.util.regex.Pattern;

/** The password hash formats Latchkey verifies: Argon2 in PHC form (its own) and bcrypt (imported). */
public enum HashFormat {
    ARGON2("argon2"), BCRYPT("bcrypt");

    static final Pattern ARGON2_PHC = Pattern.compile(
            "^\\$argon2(id|i|d)\\$(?:v=(16|19)\\$)?m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,3})"
                    + "\\$[A-Za-z0-9+/]{8,}={0,2}\\$[A-Za-z0-9+/]{6,}={0,2}$");
    static final Pattern BCRYPT_MODULAR = Pattern.compile("^\\$2[aby]\\$(\\d{2})\\$[./A-Za-z0-9]{53}$");

    private final String wire;

    HashFormat(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<HashFormat> of(String hash) {
        if (hash == null) {
            return Optional.empty();
        }
        if (ARGON2_PHC.matcher(hash).matches()) {
            return Optional.of(ARGON2);
        }
        return BCRYPT_MODULAR.matcher(hash).matches() ? Optional.of(BCRYPT) : Optional.empty();
    }
}
