package dev.pyramidkv.engine.cli;

import dev.pyramidkv.cache.GqaAggregation;
import dev.pyramidkv.cache.KvType;
import dev.pyramidkv.cache.PolicyConfig;
import dev.pyramidkv.cache.Pooling;
import dev.pyramidkv.cache.ScheduleMode;
import dev.pyramidkv.engine.api.Backend;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.SessionConfig;

import java.util.List;

/** The option groups shared by generate, chat, bench, profile, eval (and serve, in the server module): KV policy, sampling, session. */
public final class RunOptions {
    private RunOptions() {}

    public static Options policy(Options o) {
        return policyTuning(o.value("--policy", "NAME", "KV cache policy: full|streaming|h2o|snapkv|pyramid|adakv (default full)")
                .value("--budget", "N", "average KV tokens per layer, window included (default 128; not for full)"))
                .value("--max-kv", "N", "decode-time cap, average tokens per layer: the cache never grows past it");
    }

    /** The settings of a policy beyond its name and budget (shared by every configuration of an eval grid). */
    public static Options policyTuning(Options o) {
        return o.value("--window", "N", "observation window, always kept (default 8)")
                .value("--beta", "X", "PyramidKV β: the top layer keeps (budget-window)/β (default 20)")
                .value("--kernel", "N", "odd pooling kernel for the scores (default 7)")
                .value("--pooling", "max|avg", "pooling of the scores (default max)")
                .value("--gqa", "sum|mean|max", "how query heads sharing a KV head combine scores (default sum)")
                .value("--schedule", "MODE", "pyramid budgets: reference (integer floors, default) or exact (total = layers × budget)")
                .value("--kv-type", "TYPE", "how K/V rows are stored: f32 (default), f16, bf16, q8_0 (about 0.27× the bytes of f32) or q4_0 (about 0.14×)");
    }

    public static PolicyConfig policy(ParsedArgs a) {
        return policy(a, "full");
    }

    /** The policy the options describe; {@code --budget} defaults to 128 for every policy but full. */
    public static PolicyConfig policy(ParsedArgs a, String defaultPolicy) {
        String name = a.string("--policy", defaultPolicy);
        PolicyConfig.Builder b;
        try {
            b = PolicyConfig.builder(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--policy: " + e.getMessage());
        }
        if (!name.equals("full")) b.budget(a.intValue("--budget", 128));
        else if (a.has("--budget")) throw new UsageException("--budget: policy full keeps every token; choose another --policy to set a budget");
        tune(b, a);
        if (a.has("--max-kv")) b.maxKvTokens(a.intValue("--max-kv", 0));
        return b.build();
    }

    /** Applies the {@link #policyTuning(Options)} options that were given to {@code b}. */
    public static PolicyConfig.Builder tune(PolicyConfig.Builder b, ParsedArgs a) {
        if (a.has("--window")) b.window(a.intValue("--window", 8));
        if (a.has("--beta")) b.beta(a.doubleValue("--beta", 20));
        if (a.has("--kernel")) b.kernel(a.intValue("--kernel", 7));
        if (a.has("--pooling")) b.pooling(Pooling.parse(a.string("--pooling", "max")));
        if (a.has("--gqa")) b.gqa(GqaAggregation.parse(a.string("--gqa", "sum")));
        if (a.has("--schedule")) b.schedule(ScheduleMode.parse(a.string("--schedule", "reference")));
        if (a.has("--kv-type")) {
            try {
                b.kvType(KvType.parse(a.string("--kv-type", "f32")));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--kv-type: " + e.getMessage());
            }
        }
        return b;
    }

    public static Options sampling(Options o) {
        return o.value("--max-tokens", "N", "tokens to generate at most (default 256)")
                .value("--temperature", "T", "0 = greedy (default 0)")
                .value("--top-k", "N", "keep the N most likely tokens (default 40; 0 = off)")
                .value("--top-p", "P", "nucleus sampling (default 0.95; 1 = off)")
                .value("--min-p", "P", "drop tokens below P × the top probability (default 0.05; 0 = off)")
                .value("--repeat-penalty", "X", "penalty for the last 64 tokens (default 1 = off)")
                .value("--seed", "S", "random seed (default 42)")
                .value("--stop", "TEXT", "stop when TEXT appears (the text ends before it)");
    }

    public static GenerationParams sampling(ParsedArgs a) {
        return new GenerationParams(
                a.intValue("--max-tokens", 256, 0, Integer.MAX_VALUE),
                (float) a.doubleValue("--temperature", 0),
                a.intValue("--top-k", 40, 0, Integer.MAX_VALUE),
                (float) a.doubleValue("--top-p", 0.95),
                (float) a.doubleValue("--min-p", 0.05),
                (float) a.doubleValue("--repeat-penalty", 1),
                64,
                a.longValue("--seed", 42),
                a.string("--stop").map(List::of).orElse(List.of()),
                false);
    }

    public static Options session(Options o) {
        return contextAndBackend(threads(o));
    }

    /** The session options but {@code --threads}, for a command whose thread default differs (bench). */
    static Options contextAndBackend(Options o) {
        return o.value("--context", "N", "context length, at most the model's (default: the model's)")
                .value("--backend", "onednn|java", "prompt prefill: oneDNN bf16 GEMMs (default; Java where libdnnl is missing or has no bf16, e.g. AVX2 CPUs) "
                        + "or Java kernels with llama.cpp's exact numerics");
    }

    public static SessionConfig session(ParsedArgs a, PolicyConfig policy, int decodeHeadroom) {
        return new SessionConfig(policy, threads(a), a.intValue("--context", 0, 0, 1 << 20), decodeHeadroom, backend(a));
    }

    public static Options threads(Options o) {
        return o.value("--threads", "N", "worker threads (default: all cores)");
    }

    public static int threads(ParsedArgs a) {
        return a.intValue("--threads", Runtime.getRuntime().availableProcessors(), 1, 1024);
    }

    public static Backend backend(ParsedArgs a) {
        try {
            return Backend.parse(a.string("--backend", "onednn"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--backend: " + e.getMessage());
        }
    }
}
