package dev.pyramidkv.engine.cli;

import java.nio.file.Path;

/**
 * {@code pyramidkv info [--model PATH] [--json]}: what is inside a GGUF model (architecture,
 * hyper-parameters, tensors, tokenizer). The model is resolved and checked here; describing it needs
 * the GGUF reader (package dev.pyramidkv.engine.gguf), which is being written: fill in {@link #describe}.
 */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "describe a GGUF model: architecture, hyper-parameters, tensors";
    }

    @Override
    public Options options() {
        return new Options().modelOption().jsonOption();
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) {
        Path model = cli.model(args);
        return describe(model, args.flag(Options.JSON), cli);
    }

    /** Prints what is in {@code model} (a readable file that starts with "GGUF"). */
    private int describe(Path model, boolean json, CliContext cli) {
        throw new CliException("info: not implemented yet (issue #2: it needs the GGUF reader); resolved model: " + model);
    }
}
