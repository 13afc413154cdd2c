package dev.pyramidkv.engine.registry;

import java.nio.file.Path;

/**
 * Whether a known model is usable where it is expected.
 *
 * @param path   where the file is or would be; null if that cannot be known (repository root unknown)
 * @param state  PRESENT (right size and sha256), MISSING, or CORRUPT
 * @param detail why it is missing or corrupt; empty when present
 */
public record ModelStatus(KnownModel model, Path path, State state, String detail) {
    public enum State { PRESENT, MISSING, CORRUPT }

    public boolean present() {
        return state == State.PRESENT;
    }
}
