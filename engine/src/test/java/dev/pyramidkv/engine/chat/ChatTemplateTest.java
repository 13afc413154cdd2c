package dev.pyramidkv.engine.chat;

import org.junit.jupiter.api.Tag;
import de.kherud.llama.LlamaModel;
import dev.pyramidkv.engine.gguf.GgufFile;
import dev.pyramidkv.engine.testing.TestModels;
import dev.pyramidkv.engine.tokenizer.LlamaCppPeer;
import dev.pyramidkv.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SmolLM2's own template and the ChatML fallback. Expected strings are worked out by hand from the template
 * text as jinja2 (trim_blocks, lstrip_blocks) renders it, and compared with llama.cpp's minja renderer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("download")
@Tag("llamacpp")
class ChatTemplateTest {
    private static final String SMOLLM_DEFAULT_SYSTEM =
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n";

    private ChatTemplate smollm;
    private ChatTemplate stories;

    @BeforeAll
    void load() throws IOException {
        smollm = load(TestModels.smollm2());
        stories = load(TestModels.stories260K());
    }

    private static ChatTemplate load(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return ChatTemplate.fromGguf(file.metadata(), Tokenizer.fromGguf(file.metadata()));
        }
    }

    @Test
    void smolLm2OneTurnGetsItsDefaultSystemPrompt() {
        assertTrue(smollm.isModelTemplate());
        assertEquals(SMOLLM_DEFAULT_SYSTEM + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                smollm.render(List.of(Message.user("Hi")), true));
        assertEquals(SMOLLM_DEFAULT_SYSTEM + "<|im_start|>user\nHi<|im_end|>\n",
                smollm.render(List.of(Message.user("Hi")), false));
    }

    @Test
    void smolLm2MultiTurnWithoutSystem() {
        List<Message> conversation = List.of(Message.user("Hi"), Message.assistant("Hello! How can I help?"),
                Message.user("Name a color."));
        assertEquals(SMOLLM_DEFAULT_SYSTEM
                        + "<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\nHello! How can I help?<|im_end|>\n"
                        + "<|im_start|>user\nName a color.<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                smollm.render(conversation, true));
    }

    @Test
    void smolLm2WithSystemMessageUsesItInsteadOfTheDefault() {
        List<Message> conversation = List.of(Message.system("Answer in one word."), Message.user("Sky color?"),
                Message.assistant("Blue."), Message.user("Grass?"));
        assertEquals("<|im_start|>system\nAnswer in one word.<|im_end|>\n"
                        + "<|im_start|>user\nSky color?<|im_end|>\n"
                        + "<|im_start|>assistant\nBlue.<|im_end|>\n"
                        + "<|im_start|>user\nGrass?<|im_end|>\n",
                smollm.render(conversation, false));
    }

    @Test
    void smolLm2EqualsLlamaCppMinja() {
        LlamaModel llamaCpp = LlamaCppPeer.of(TestModels.smollm2());
        List<List<Message>> conversations = List.of(
                List.of(Message.user("Hi")),
                List.of(Message.system("Be brief."), Message.user("Hi"), Message.assistant("Hello!"), Message.user("Bye")),
                List.of(Message.user("Quotes \" and \\ backslash,\nnewlines\tand tabs"), Message.assistant("ok")));
        for (List<Message> conversation : conversations) {
            for (boolean generationPrompt : new boolean[] {true, false}) {
                String ours = smollm.render(conversation, generationPrompt);
                // llama.cpp (b4916) cuts a leading bos_token off the rendered text, expecting the tokenizer to add
                // BOS; SmolLM2's BOS is <|im_start|> and its add_bos_token is false, so we keep it, like transformers.
                assertTrue(ours.startsWith("<|im_start|>"), ours);
                assertEquals(llamaCpp.applyTemplate(request(conversation, generationPrompt)),
                        ours.substring("<|im_start|>".length()));
            }
        }
    }

    @Test
    void modelWithoutTemplateFallsBackToChatMlLikeLlamaCpp() {
        assertFalse(stories.isModelTemplate());
        assertEquals(ChatTemplate.CHATML, stories.source());
        List<Message> conversation = List.of(Message.system("S"), Message.user("U"), Message.assistant("A"));
        String expected = "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n";
        assertEquals(expected + "<|im_start|>assistant\n", stories.render(conversation, true));
        assertEquals(expected, stories.render(conversation, false));
        LlamaModel llamaCpp = LlamaCppPeer.of(TestModels.stories260K());
        assertEquals(llamaCpp.applyTemplate(request(conversation, true)), stories.render(conversation, true));
    }

    @Test
    void whitespaceFollowsJinja2TrimAndLstripBlocks() {
        // trim_blocks drops the newline after a block tag, lstrip_blocks the indentation before one, and
        // without keep_trailing_newline the template's last newline goes
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}\n    {{ m.content }}\n  {% endfor %}\n", "", "");
        assertEquals("    a\n    b\n", t.render(List.of(Message.user("a"), Message.user("b")), false));
        ChatTemplate crlf = ChatTemplate.of("{{ bos_token }}x\r\ny{{ eos_token }}\r\n", "<s>", "</s>");
        assertEquals("<s>x\ny</s>", crlf.render(List.of(), false));
    }

    @Test
    void templateExpressionsBehaveLikeJinja2() {
        ChatTemplate t = ChatTemplate.of(
                "{{ messages|length }}|{{ messages[-1]['role'] }}|{{ 1 + 2 * 3 }}|{{ 'a' ~ 1 }}|"
                        + "{% if messages[0].content is string %}s{% endif %}|{{ [1, 'x'] }}|{{ {'k': 'v'} }}", "", "");
        assertEquals("2|assistant|7|a1|s|[1, 'x']|{'k': 'v'}", t.render(List.of(Message.user("u"), Message.assistant("a")), false));
    }

    @Test
    void raiseExceptionReachesTheCaller() {
        ChatTemplate t = ChatTemplate.of("{% if messages[0]['role'] != 'user' %}"
                + "{{ raise_exception('Conversations must start with a user message') }}{% endif %}ok", "", "");
        assertEquals("ok", t.render(List.of(Message.user("u")), false));
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.render(List.of(Message.assistant("a")), false));
        assertTrue(e.getMessage().contains("Conversations must start with a user message"), e.getMessage());
    }

    @Test
    void brokenTemplatesFailWithTheirPlace() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.of("line one\n{% if %}x{% endif %}", "", "").render(List.of(Message.user("u")), true));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("if"), e.getMessage());
        ChatTemplateException unknownMethod = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.of("{{ messages[0].content.no_such_method() }}", "", "").render(List.of(Message.user("u")), true));
        assertTrue(unknownMethod.getMessage().contains("no_such_method"), unknownMethod.getMessage());
        ChatTemplateException unclosed = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.of("{% for m in messages %}x", "", "").render(List.of(Message.user("u")), true));
        assertTrue(unclosed.getMessage().contains("endfor"), unclosed.getMessage());
        ChatTemplateException stray = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.of("x{% endif %}", "", "").render(List.of(Message.user("u")), true));
        assertTrue(stray.getMessage().contains("endif"), stray.getMessage());
    }

    @Test
    void messagesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Message(" ", "x"));
        assertThrows(NullPointerException.class, () -> new Message("user", null));
        assertThrows(NullPointerException.class, () -> smollm.render(null, true));
    }

    /** The JSON llama.cpp's applyTemplate takes: {"messages": [...], "add_generation_prompt": ...}. */
    static String request(List<Message> conversation, boolean generationPrompt) {
        StringBuilder json = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < conversation.size(); i++) {
            Message m = conversation.get(i);
            json.append(i == 0 ? "" : ",").append("{\"role\":").append(quote(m.role()))
                    .append(",\"content\":").append(quote(m.content())).append('}');
        }
        return json.append("],\"add_generation_prompt\":").append(generationPrompt).append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> q.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return q.append('"').toString();
    }
}
