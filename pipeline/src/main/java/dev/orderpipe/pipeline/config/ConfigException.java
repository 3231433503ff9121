package dev.orderpipe.pipeline.config;

/**
 * A configuration a user wrote is wrong. The message is one line that names the key and the fix; tools print it
 * without a stack trace.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
