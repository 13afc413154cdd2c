package dev.pyramidkv.engine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real process (bash with our scripts, the launcher) and keeps what it printed. For tests. */
record ProcessRun(int exitCode, String stdout, String stderr) {

    /** The repository root, from PYRAMIDKV_REPO, which Surefire and Failsafe set. */
    static Path repo() {
        String repo = System.getenv("PYRAMIDKV_REPO");
        if (repo == null || !Files.isRegularFile(Path.of(repo, "pyramidkv"))) {
            throw new IllegalStateException("PYRAMIDKV_REPO must name the repository root (Maven sets it), got " + repo);
        }
        return Path.of(repo);
    }

    /**
     * Runs {@code command} in {@code dir} with the inherited environment, minus {@code unset}, plus {@code env}.
     */
    static ProcessRun run(List<String> command, Path dir, Map<String, String> env, List<String> unset) throws IOException,
            InterruptedException {
        Path out = Files.createTempFile("pkv-test-out", ".txt");
        Path err = Files.createTempFile("pkv-test-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            unset.forEach(pb.environment()::remove);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new ProcessRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a bash snippet after sourcing {@code scripts/<script>} from the repository. */
    static ProcessRun bash(String script, String snippet, Map<String, String> env, List<String> unset) throws IOException,
            InterruptedException {
        Path repo = repo();
        return run(List.of("bash", "-c", "set -u; source \"$1\"; " + snippet, "bash",
                repo.resolve("scripts").resolve(script).toString()), repo, env, unset);
    }

    /** Writes an executable shell script. */
    static Path script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        file.toFile().setExecutable(true);
        return file;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
}
