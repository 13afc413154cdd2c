package dev.pyramidkv.engine.tokenizer;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * llama.cpp (build b4916, through de.kherud:llama 4.2.0) as the reference our tokenizers and chat templates
 * must equal. What the binding does (read from its jllama.cpp):
 * <ul>
 *   <li>{@code encode(text)} is {@code common_tokenize(vocab, text, add_special=false, parse_special=true)}:
 *       no BOS, control-token texts become their ids;
 *   <li>{@code decode(ids)} concatenates {@code common_token_to_piece(token, special=true)}: each token's
 *       bytes with control tokens rendered, no leading-space removal;
 *   <li>{@code applyTemplate(json)} renders {"messages": ..., "add_generation_prompt": ...} with the model's
 *       template through minja when the model is loaded with {@code --jinja}.
 * </ul>
 * One model per file for the whole test JVM, loaded on first use. {@code disableLog()} ({@code --log-disable})
 * silences llama.cpp: its logger is routed into the common log, which that flag pauses.
 * Models are never closed: {@code LlamaModel.close()} hangs in this version. Loading starts a native server
 * thread attached to the JVM as a non-daemon thread, which would keep a plain {@code main} alive forever;
 * Surefire's forked booter ends the test JVM with {@code System.exit}, so test runs still terminate.
 */
public final class LlamaCppPeer {
    private static final Map<Path, LlamaModel> MODELS = new ConcurrentHashMap<>();

    private LlamaCppPeer() {}

    public static LlamaModel of(Path gguf) {
        return MODELS.computeIfAbsent(gguf.toAbsolutePath().normalize(), p -> new LlamaModel(new ModelParameters()
                .setModel(p.toString())
                .setCtxSize(256)
                .setThreads(1)
                .skipWarmup()
                .enableJinja()
                .disableLog()));
    }
}
