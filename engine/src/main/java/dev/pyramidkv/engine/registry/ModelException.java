package dev.pyramidkv.engine.registry;

/** A model cannot be found, fetched or verified. The message is one line, fit to show the user. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
