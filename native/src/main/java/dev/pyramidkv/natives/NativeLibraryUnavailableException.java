package dev.pyramidkv.natives;

/**
 * A native library could not be found or loaded. The message names every place that was tried,
 * why each failed, and what the user can do about it.
 */
public final class NativeLibraryUnavailableException extends RuntimeException {
    public NativeLibraryUnavailableException(String message) {
        super(message);
    }
}
