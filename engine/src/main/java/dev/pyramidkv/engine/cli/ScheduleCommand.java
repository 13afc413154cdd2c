package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.BudgetSchedule;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.ScheduleMode;
import dev.pyramidkv.engine.gguf.GgufFile;

import java.io.IOException;

/**
 * {@code pyramidkv schedule}: the KV slots each layer keeps under a policy, e.g.
 * {@code pyramidkv schedule --layers 32 --budget 128} prints PyramidKV's 242 … 25 slots. Without
 * {@code --layers}, the layer count comes from {@code --model} (or the default model).
 */
final class ScheduleCommand implements Command {
    @Override
    public String name() { return "schedule"; }

    @Override
    public String summary() { return "print the per-layer KV budgets a policy assigns"; }

    @Override
    public Options options() {
        Options o = new Options().modelOption()
                .value("--layers", "N", "number of layers (default: the model's)")
                .value("--prompt-len", "N", "prompt length (default: a long prompt, no clamping)")
                .value("--mode", "reference|exact", "alias of --schedule")
                .jsonOption();
        return RunOptions.policy(o);
    }

    @Override
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        int layers = args.has("--layers") ? args.intValue("--layers", 0, 1, 100_000) : modelLayers(args, cli);
        PolicyConfig policy = RunOptions.policy(args, "pyramid");
        if (args.has("--mode")) policy = policy.toBuilder().schedule(ScheduleMode.parse(args.string("--mode", "reference"))).build();
        BudgetSchedule schedule = BudgetSchedule.forConfig(policy, layers);
        int n = args.has("--prompt-len") ? args.intValue("--prompt-len", 0, 1, Integer.MAX_VALUE) : BudgetSchedule.LONG_PROMPT;
        cli.out().println(args.flag(Options.JSON) ? schedule.toJson(n) : schedule.toText(n));
        return 0;
    }

    private static int modelLayers(ParsedArgs args, CliContext cli) throws IOException {
        try (GgufFile f = GgufFile.open(cli.model(args))) {
            return f.metadata().getInt(f.metadata().getString("general.architecture") + ".block_count");
        }
    }
}
