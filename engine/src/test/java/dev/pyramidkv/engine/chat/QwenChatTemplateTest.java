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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Qwen2.5-Coder's own template (ChatML with a tools branch and a default system prompt), rendered by jinjava:
 * expected strings worked out by hand from the template as jinja2 renders it, and llama.cpp's minja renderer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("download")
@Tag("llamacpp")
class QwenChatTemplateTest {
    private static final String QWEN_DEFAULT_SYSTEM =
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n";

    private Path model;
    private ChatTemplate qwen;

    @BeforeAll
    void load() throws IOException {
        model = TestModels.qwen25Coder05b();
        try (GgufFile file = GgufFile.open(model)) {
            qwen = ChatTemplate.fromGguf(file.metadata(), Tokenizer.fromGguf(file.metadata()));
        }
    }

    @Test
    void oneTurnGetsQwensDefaultSystemPrompt() {
        assertTrue(qwen.isModelTemplate());
        assertTrue(qwen.source().contains("tools"), "the template has its tools branch");
        assertEquals(QWEN_DEFAULT_SYSTEM + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                qwen.render(List.of(Message.user("Hi")), true));
    }

    @Test
    void aSystemMessageReplacesTheDefaultAndTurnsFollowInOrder() {
        List<Message> conversation = List.of(Message.system("Answer in one word."), Message.user("Sky color?"),
                Message.assistant("Blue."), Message.user("Grass?"));
        assertEquals("<|im_start|>system\nAnswer in one word.<|im_end|>\n"
                        + "<|im_start|>user\nSky color?<|im_end|>\n"
                        + "<|im_start|>assistant\nBlue.<|im_end|>\n"
                        + "<|im_start|>user\nGrass?<|im_end|>\n",
                qwen.render(conversation, false));
    }

    @Test
    void equalsLlamaCppMinja() {
        LlamaModel llamaCpp = LlamaCppPeer.of(model);
        List<List<Message>> conversations = List.of(
                List.of(Message.user("Write a Python function that reverses a string.")),
                List.of(Message.system("Be brief."), Message.user("Hi"), Message.assistant("Hello!"), Message.user("Bye")),
                List.of(Message.user("Quotes \" and \\ backslash,\nnewlines\tand tabs"), Message.assistant("ok")));
        for (List<Message> conversation : conversations) {
            for (boolean generationPrompt : new boolean[] {true, false}) {
                assertEquals(llamaCpp.applyTemplate(ChatTemplateTest.request(conversation, generationPrompt)),
                        qwen.render(conversation, generationPrompt));
            }
        }
    }
}
