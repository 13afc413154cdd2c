package dev.pyramidkv.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.pyramidkv.engine.gguf.GgufMetadata;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a conversation into the prompt text a model was trained on, with the model's own Jinja template
 * ({@code tokenizer.chat_template}), or ChatML when the file has none. Rendering follows Hugging Face
 * transformers, which uses {@code jinja2} with {@code trim_blocks=True, lstrip_blocks=True} and the default
 * {@code keep_trailing_newline=False}; the template sees {@code messages} (maps with {@code role} and
 * {@code content}), {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and the function
 * {@code raise_exception(message)}. Jinja is evaluated by jinjava. Instances are safe to share between threads.
 */
public final class ChatTemplate {
    static final String TEMPLATE_KEY = "tokenizer.chat_template";

    /** llama.cpp's ChatML template, used when a model has no template of its own. */
    public static final String CHATML = """
            {%- for message in messages -%}
              {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
              {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}
            """;

    private static final JinjavaConfig CONFIG = JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            // jinjava's defaults differ from jinja2 in places; these switch to jinja2's behaviour. Not
            // whitespaceRequiredWithinTokens: it would reject "{{'a'}}", which real templates use.
            .withLegacyOverrides(LegacyOverrides.newBuilder()
                    .withEvaluateMapKeys(true)
                    .withIterateOverMapKeys(true)
                    .withUsePyishObjectMapper(true)
                    .withUseNaturalOperatorPrecedence(true)
                    .withParseWhitespaceControlStrictly(true)
                    .withAllowAdjacentTextNodes(true)
                    .withUseTrimmingForNotesAndExpressions(true)
                    .withKeepNullableLoopValues(true)
                    .build())
            .build();

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final boolean modelTemplate;
    private final Jinjava jinjava;

    private ChatTemplate(String source, String bosToken, String eosToken, boolean modelTemplate) {
        this.source = Objects.requireNonNull(source, "source");
        this.bosToken = Objects.requireNonNull(bosToken, "bosToken");
        this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
        this.modelTemplate = modelTemplate;
        this.jinjava = new Jinjava(CONFIG);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    }

    /**
     * The model's template from {@code tokenizer.chat_template}, or {@link #CHATML} when the file has none.
     * {@code bos_token} and {@code eos_token} are the texts of the tokenizer's BOS and EOS tokens ("" if absent).
     */
    public static ChatTemplate fromGguf(GgufMetadata metadata, Tokenizer tokenizer) {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(tokenizer, "tokenizer");
        String bos = tokenizer.bos() >= 0 ? tokenizer.piece(tokenizer.bos()) : "";
        String eos = tokenizer.eos() >= 0 ? tokenizer.piece(tokenizer.eos()) : "";
        boolean has = metadata.has(TEMPLATE_KEY);
        return new ChatTemplate(has ? metadata.getString(TEMPLATE_KEY) : CHATML, bos, eos, has);
    }

    /** A template from Jinja source. */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return new ChatTemplate(source, bosToken, eosToken, true);
    }

    /**
     * The prompt text for {@code messages}; with {@code addGenerationPrompt} it ends with the opening of an
     * assistant turn, ready for generation.
     *
     * @throws ChatTemplateException if the template does not parse, fails, or calls {@code raise_exception}
     */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        Objects.requireNonNull(messages, "messages");
        List<Map<String, Object>> turns = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", Objects.requireNonNull(m, "message").role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", turns);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);

        RenderResult result = jinjava.renderForResult(jinja2Source(source), bindings);
        for (TemplateError error : result.getErrors()) {
            // jinja2 rejects every syntax error; jinjava reports some (e.g. a stray end tag) as mere warnings
            if (error.getSeverity() == TemplateError.ErrorType.FATAL || error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                throw failure(error);
            }
        }
        return result.getOutput();
    }

    /** The Jinja source this template renders. */
    public String source() { return source; }

    /** False when the model file has no template and {@link #CHATML} stands in for it. */
    public boolean isModelTemplate() { return modelTemplate; }

    /** Called by templates as {@code raise_exception('...')}; the message reaches the caller. */
    public static String raiseException(String message) {
        throw new RaisedByTemplate(message);
    }

    private static final class RaisedByTemplate extends RuntimeException {
        RaisedByTemplate(String message) { super(message, null, false, false); }
    }

    /** jinja2 turns every line break into "\n" and, without keep_trailing_newline, drops one at the very end. */
    static String jinja2Source(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static ChatTemplateException failure(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof RaisedByTemplate raised) {
                return new ChatTemplateException("chat template raised an exception: " + raised.getMessage());
            }
        }
        String where = error.getLineno() > 0 ? " at line " + error.getLineno() : "";
        String what = error.getFieldName() != null ? " in '" + error.getFieldName() + "'" : "";
        return new ChatTemplateException("chat template error" + where + what + ": " + error.getMessage(), error.getException());
    }
}
