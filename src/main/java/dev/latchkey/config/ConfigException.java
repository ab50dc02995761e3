package dev.latchkey.config;

/** A setting that cannot be used; its message is the one line printed before start-up stops. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
