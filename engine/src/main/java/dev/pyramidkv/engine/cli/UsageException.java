package dev.pyramidkv.engine.cli;

/**
 * The command line itself is wrong: unknown command or option, missing or malformed value. The shell
 * prints the message and the usage of the command concerned, and exits with status 2.
 */
public final class UsageException extends CliException {
    public UsageException(String message) {
        super(message);
    }
}
