package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run of the JVM's AOT cache (JEP 483, 514, 515), run by {@code ./pyramidkv} once per build with
 * {@code -XX:AOTCacheOutput}: the commands users run most, so the cache holds their classes, already loaded
 * and linked, and the method profiles of their hot loops, and a fresh process compiles the decode step early
 * instead of interpreting its first tokens. Short runs: a profile needs the code paths, not many tokens.
 * What the commands print is thrown away; nothing is fetched (SmolLM2 only if it is in the model cache).
 */
public final class AotTraining {
    private AotTraining() {
    }

    /** The command lines of the training run, given what is present. */
    static List<String[]> commands(boolean smollm2Present) {
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[]{"models"});
        commands.add(new String[]{"info", "--model", "stories260K"});
        commands.add(new String[]{"generate", "--model", "stories260K", "--prompt", "Once upon a time", "--max-tokens", "16"});
        commands.add(new String[]{"generate", "--model", "stories260K", "--prompt", "Lily wanted to", "--max-tokens", "8",
                "--policy", "pyramid", "--budget", "16", "--json"});
        if (smollm2Present) {
            commands.add(new String[]{"generate", "--model", "smollm2", "--chat", "--prompt",
                    "Tom's dog is called Pepper. What is the name of Tom's dog?", "--policy", "pyramid", "--budget", "64",
                    "--max-tokens", "8"});
        }
        return commands;
    }

    public static void main(String[] args) {
        ModelRegistry registry = ModelRegistry.standard();
        boolean smollm2 = registry.status(KnownModel.SMOLLM2).present();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        int status = 0;
        for (String[] command : commands(smollm2)) {
            status |= new Cli(Main.COMMANDS).run(command, nowhere, nowhere, System.getenv(), null, false);
        }
        System.exit(status); // the cache is written as the JVM exits
    }
}
