package dev.pyramidkv.engine.api;

/** Receives generated text as it becomes complete (whole UTF-8 characters; stop strings held back). */
@FunctionalInterface
public interface TokenListener {
    void onText(String text);
}
