package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.registry.FetchProgress;
import dev.pyramidkv.engine.registry.ModelRegistry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** What a running command may use: its output streams, the environment, the model registry. */
public final class CliContext {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final ModelRegistry models;
    private final ProgressLine progress;

    /**
     * @param out           results (what scripts parse: tables, JSON)
     * @param err           progress, warnings, errors
     * @param env           the environment variables
     * @param models        the known models and model resolution
     * @param errIsTerminal true if stderr is a terminal (progress redraws one line in place)
     */
    public CliContext(PrintStream out, PrintStream err, Map<String, String> env, ModelRegistry models,
                      boolean errIsTerminal) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.models = models;
        this.progress = new ProgressLine(err, errIsTerminal);
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    public ModelRegistry models() {
        return models;
    }

    /** "The model" for a command that declared {@link Options#modelOption()}, fetched if needed. */
    public Path model(ParsedArgs args) {
        return models.resolve(args.string(Options.MODEL).orElse(null), progress);
    }

    /** Reports fetch progress as a line on {@link #err()}. */
    public FetchProgress progress() {
        return progress;
    }

    /** Shows a status line on {@link #err()}: redrawn in place on a terminal, one line per call elsewhere. */
    public void status(String text) {
        progress.status(text);
    }

    /** Ends a progress line left open by an interrupted step, so the next message starts a fresh line. */
    void closeProgressLine() {
        progress.closeLine();
    }
}
