package dev.pyramidkv.engine.registry;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Obtains a wheel file. The real one is {@link PipWheelSource}; tests pass one that writes a zip they
 * built, so every check after the download runs on real bytes.
 */
@FunctionalInterface
public interface WheelSource {
    /**
     * Puts the wheel of {@code project==version} into {@code directory} (empty, writable, deleted by the
     * caller afterwards) and returns its path.
     *
     * @throws ModelException with a one-line reason if the wheel cannot be had
     */
    Path download(String project, String version, Path directory) throws IOException;
}
