package dev.pyramidkv.natives;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a C probe from {@code native/src/test/c} with the system gcc and runs it, so tests can
 * compare what Java assumes (struct sizes, offsets, constants, CPU features) with what the real
 * headers and the real CPU say. Shared with other modules through this module's test-jar.
 */
public final class CProbe {

    public static final Path GCC = Path.of("/usr/bin/gcc");

    private CProbe() {}

    /** The repository root: {@code PYRAMIDKV_REPO} (set by Surefire), else the nearest parent holding native/src/test/c. */
    public static Path repoRoot() {
        String env = System.getenv("PYRAMIDKV_REPO");
        if (env != null && Files.isDirectory(Path.of(env, "native", "src", "test", "c"))) return Path.of(env);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("native/src/test/c"))) return p;
        }
        throw new IllegalStateException("cannot find the repository root (native/src/test/c) from "
                + Path.of("").toAbsolutePath() + "; set PYRAMIDKV_REPO");
    }

    /** A probe source file by name, e.g. {@code dnnl_probe.c}. */
    public static Path source(String fileName) {
        Path p = repoRoot().resolve("native/src/test/c").resolve(fileName);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("C probe source missing: " + p);
        return p;
    }

    /**
     * Compiles {@code source} into {@code workDir} with {@code gcc -std=c11 -Wall -Werror} plus
     * {@code extraArgs}, runs it, and returns its standard output lines. Any failure (no gcc,
     * compile errors, non-zero exit, timeout) throws with the tool's output in the message.
     */
    public static List<String> compileAndRun(Path source, Path workDir, List<String> extraArgs) {
        if (!Files.isExecutable(GCC)) {
            throw new IllegalStateException("gcc not found at " + GCC + " (needed to compile " + source.getFileName()
                    + "); install it: apt-get install gcc");
        }
        Path exe = workDir.resolve(source.getFileName().toString().replace(".c", ""));
        List<String> cc = new ArrayList<>(List.of(GCC.toString(), "-std=c11", "-O0", "-Wall", "-Werror",
                "-o", exe.toString(), source.toString()));
        cc.addAll(extraArgs);
        run(cc, "compiling " + source);
        return run(List.of(exe.toString()), "running " + exe).lines().toList();
    }

    private static String run(List<String> command, String what) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();   // the probes print a few KB, then exit
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + ": timed out after 60 s: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): "
                        + String.join(" ", command) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted", e);
        }
    }
}
