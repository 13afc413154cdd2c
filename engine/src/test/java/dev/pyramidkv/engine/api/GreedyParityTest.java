package dev.pyramidkv.engine.api;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import dev.pyramidkv.engine.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Greedy decoding equals llama.cpp's, token for token, on the same GGUF file. */
class GreedyParityTest {
    static final int TOKENS = 64;

    static String llamaCpp(Path model, String prompt) {
        LlamaModel peer = new LlamaModel(new ModelParameters().setModel(model.toString()).setThreads(2)
                .setCacheTypeK(CacheType.F32).setCacheTypeV(CacheType.F32).setCtxSize(1024).disableLog());
        StringBuilder sb = new StringBuilder();
        for (LlamaOutput o : peer.generate(new InferenceParameters(prompt).setNPredict(TOKENS).setTemperature(0))) sb.append(o.text);
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Once upon a time", "The little dog", "Lily and Tom went to the park. They", "Sam had a red ball."})
    void stories260K(String prompt) throws Exception {
        Path model = TestModels.stories260K();
        String expected = llamaCpp(model, prompt);
        try (Engine engine = Engine.load(model); Session s = engine.newSession(SessionConfig.defaults().withThreads(2).withContextLength(1024))) {
            Generation g = s.generate(prompt, GenerationParams.greedy().withMaxTokens(TOKENS), null);
            assertEquals(expected, g.text());
        }
    }
}
