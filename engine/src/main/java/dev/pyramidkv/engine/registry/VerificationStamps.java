package dev.pyramidkv.engine.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Remembers that a model file was hashed and matched, so the 98 MB default model is not re-hashed on
 * every run. One small file per model under {@code <cache>/verified/}: the file's real path, size,
 * modification time (ns) and the sha256 it matched. Any change to the file invalidates the stamp.
 */
final class VerificationStamps {
    private final Path directory;

    VerificationStamps(Path directory) {
        this.directory = directory;
    }

    boolean matches(KnownModel model, Path file) {
        Path stamp = stampOf(model);
        try {
            return Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(line(model, file));
        } catch (IOException e) {
            return false; // unreadable stamp: hash again
        }
    }

    /** Records a verified file; failing to write the stamp only costs a re-hash next time. */
    void record(KnownModel model, Path file) {
        Path tmp = null;
        try {
            Files.createDirectories(directory);
            tmp = Files.createTempFile(directory, model.name() + ".", ".tmp");
            Files.writeString(tmp, line(model, file), StandardCharsets.UTF_8);
            Files.move(tmp, stampOf(model), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // read-only cache: fine
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do
                }
            }
        }
    }

    private Path stampOf(KnownModel model) {
        return directory.resolve(model.name() + ".verified");
    }

    private static String line(KnownModel model, Path file) throws IOException {
        return model.sha256() + " " + Files.size(file) + " "
                + Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS) + " " + file.toRealPath() + "\n";
    }
}
