package dev.pyramidkv.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.pyramidkv.engine.api.Engine;
import dev.pyramidkv.engine.api.Generation;
import dev.pyramidkv.engine.api.GenerationParams;
import dev.pyramidkv.engine.api.Session;
import dev.pyramidkv.engine.api.SessionConfig;
import dev.pyramidkv.engine.registry.FetchProgress;
import dev.pyramidkv.engine.registry.KnownModel;
import dev.pyramidkv.engine.registry.ModelRegistry;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decode tokens/s of llama.cpp (de.kherud:llama, its bundled AVX2 build) and of this engine on SmolLM2-135M
 * Q4_1, alternating in one JVM so both see the same machine load: greedy, 128 new tokens, 2 threads.
 * llama.cpp's rate is taken between its first and last streamed token (its prefill excluded), ours from
 * {@link Generation#decodeTokensPerSecond()}. Prints each round and the medians.
 * Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp <classpath>
 * dev.pyramidkv.bench.DecodeVsLlamaCpp [rounds] [threads]}.
 */
public final class DecodeVsLlamaCpp {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path model = ModelRegistry.standard().ensure(KnownModel.SMOLLM2, FetchProgress.SILENT);
        String prompt = "The history of the Roman Empire";
        double[] peer = new double[rounds], ours = new double[rounds];
        try (LlamaModel llama = new LlamaModel(new ModelParameters().setModel(model.toString()).setThreads(threads).setCtxSize(2048).disableLog());
             Engine engine = Engine.load(model)) {
            for (int r = -1; r < rounds; r++) {                       // round -1 warms both up
                long first = 0, last = 0;
                int n = 0;
                for (LlamaOutput o : llama.generate(new InferenceParameters(prompt).setNPredict(128).setTemperature(0))) {
                    last = System.nanoTime();
                    if (n++ == 0) first = last;
                }
                double peerRate = (n - 1) * 1e9 / (last - first);
                double ourRate;
                try (Session s = engine.newSession(SessionConfig.defaults().withThreads(threads).withContextLength(2048))) {
                    ourRate = s.generate(prompt, GenerationParams.greedy().withMaxTokens(128), null).decodeTokensPerSecond();
                }
                System.out.printf("round %d: llama.cpp %.1f tok/s, pyramidkv %.1f tok/s, ratio %.2f%n", r, peerRate, ourRate, ourRate / peerRate);
                if (r >= 0) {
                    peer[r] = peerRate;
                    ours[r] = ourRate;
                }
            }
        }
        System.out.printf("median: llama.cpp %.1f tok/s, pyramidkv %.1f tok/s, ratio %.2f%n", median(peer), median(ours), median(ours) / median(peer));
        System.exit(0);   // the llama.cpp binding keeps a non-daemon thread
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
