package dev.orderpipe.pipeline.config;

import dev.orderpipe.pipeline.OperatorError;

/**
 * A configuration a user wrote is wrong, or cannot run on this machine (a CPU that cannot be reserved). The message is
 * one line that names the key and the fix; tools print it without a stack trace, and a stage that stops on one
 * reports it the same way.
 */
public final class ConfigException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
