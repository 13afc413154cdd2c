package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.gguf.GgufMetadata;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.json.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pyramidkv info [--model PATH] [--json]}: what is inside a GGUF model (architecture,
 * hyper-parameters, tensors, tokenizer), read with the validating GGUF reader.
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
    public int run(ParsedArgs args, CliContext cli) throws IOException {
        Path model = cli.model(args);
        return describe(model, args.flag(Options.JSON), cli);
    }

    /** Prints what is in {@code model} (a readable file that starts with "GGUF"). */
    private int describe(Path model, boolean json, CliContext cli) throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            GgufMetadata m = f.metadata();
            String arch = m.getString("general.architecture", "?");
            Map<GgmlType, Integer> types = new TreeMap<>();
            for (GgufTensor t : f.tensors().values()) types.merge(t.type(), 1, Integer::sum);
            int vocab = m.has("tokenizer.ggml.tokens") ? m.get("tokenizer.ggml.tokens").length() : -1;
            String p = arch + ".";
            if (json) {
                Json.ObjectBuilder typeCounts = Json.object();
                types.forEach((t, n) -> typeCounts.put(t.name(), n));
                cli.out().println(Json.object()
                        .put("path", model.toString())
                        .put("file_bytes", f.byteSize())
                        .put("gguf_version", f.version())
                        .put("name", m.getString("general.name", ""))
                        .put("architecture", arch)
                        .put("layers", m.getInt(p + "block_count", -1))
                        .put("heads", m.getInt(p + "attention.head_count", -1))
                        .put("kv_heads", m.getInt(p + "attention.head_count_kv", m.getInt(p + "attention.head_count", -1)))
                        .put("embedding_length", m.getInt(p + "embedding_length", -1))
                        .put("feed_forward_length", m.getInt(p + "feed_forward_length", -1))
                        .put("context_length", m.getInt(p + "context_length", -1))
                        .put("rope_freq_base", m.getDouble(p + "rope.freq_base", 10000))
                        .put("vocab_size", vocab)
                        .put("tokenizer", m.getString("tokenizer.ggml.model", "none"))
                        .put("chat_template", m.has("tokenizer.chat_template"))
                        .put("tensor_count", f.tensors().size())
                        .putRaw("tensor_types", typeCounts.toString())
                        .toString());
                return 0;
            }
            var out = cli.out();
            out.printf("%-20s %s%n", "file", model + " (" + f.byteSize() + " bytes, GGUF v" + f.version() + ")");
            out.printf("%-20s %s%n", "name", m.getString("general.name", "-"));
            out.printf("%-20s %s%n", "architecture", arch);
            out.printf("%-20s %d%n", "layers", m.getInt(p + "block_count", -1));
            out.printf("%-20s %d%n", "heads", m.getInt(p + "attention.head_count", -1));
            out.printf("%-20s %d%n", "kv heads", m.getInt(p + "attention.head_count_kv", m.getInt(p + "attention.head_count", -1)));
            out.printf("%-20s %d%n", "embedding size", m.getInt(p + "embedding_length", -1));
            out.printf("%-20s %d%n", "feed-forward size", m.getInt(p + "feed_forward_length", -1));
            out.printf("%-20s %d%n", "context length", m.getInt(p + "context_length", -1));
            out.printf("%-20s %s%n", "rope base", m.getDouble(p + "rope.freq_base", 10000));
            out.printf("%-20s %d%n", "vocabulary", vocab);
            out.printf("%-20s %s%s%n", "tokenizer", m.getString("tokenizer.ggml.model", "none"),
                    m.has("tokenizer.chat_template") ? " (with chat template)" : "");
            StringBuilder ts = new StringBuilder();
            types.forEach((t, n) -> ts.append(ts.isEmpty() ? "" : ", ").append(t).append(" ×").append(n));
            out.printf("%-20s %d (%s)%n", "tensors", f.tensors().size(), ts);
            return 0;
        }
    }
}
