package dev.pyramidkv.bench;

import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.model.Transformer;
import dev.pyramidkv.engine.registry.FetchProgress;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One decode step of SmolLM2-135M Q4_1 (a forward pass of one token: 30 layers, ~96 MB of packed weights,
 * attention over the cache) after a prompt of {@code context} tokens: each iteration starts from the
 * prefilled prompt and decodes at most 256 tokens past it, so the difference between {@code context} 0 and
 * 1792 is what decode attention over ~1.9k more tokens costs. Tokens/s = 1e6 / (µs/op).
 * {@link DecodeVsLlamaCpp} times whole generations of ours and llama.cpp back to back.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecodeBench {

    @State(Scope.Benchmark)
    public static class Model {
        @Param({"2"})
        public int threads;

        @Param({"0", "1792"})
        public int context;

        Engine engine;
        Session session;
        Transformer transformer;
        int[] prompt;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            engine = Engine.load(ModelRegistry.standard().ensure(KnownModel.SMOLLM2, FetchProgress.SILENT));
            int[] piece = engine.tokenizer().encode("The history of the Roman Empire", true, true);
            prompt = new int[Math.max(piece.length, context)];
            for (int i = 0; i < prompt.length; i++) prompt[i] = piece[i % piece.length];
            session = engine.newSession(SessionConfig.defaults().withThreads(threads).withContextLength(prompt.length + 512));
            transformer = session.transformer();
        }

        /** Back to the prefilled prompt (outside the timed steps). */
        @Setup(Level.Iteration)
        public void restart() {
            session.reset();
            session.generate(prompt, GenerationParams.greedy().withMaxTokens(1), null);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            session.close();
            engine.close();
        }
    }

    @Benchmark
    public void decodeStep(Model m) {
        if (m.transformer.position() >= m.prompt.length + 256) m.restart();   // a long iteration: rare
        m.transformer.forward(504);
    }
}
