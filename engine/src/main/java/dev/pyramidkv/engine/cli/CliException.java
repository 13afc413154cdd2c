package dev.pyramidkv.engine.cli;

/**
 * An error the user caused or can fix. The shell prints {@code pyramidkv: <message>} on one line and
 * exits with status 1 (no stack trace unless {@code --debug}).
 */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
