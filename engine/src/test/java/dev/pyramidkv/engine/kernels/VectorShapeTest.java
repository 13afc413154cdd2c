package dev.pyramidkv.engine.kernels;

import dev.pyramidkv.engine.testing.TestModels;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels' vector shape follows the hardware: the widest the JIT compiles (512 or 256 bits), never wider.
 * The engine's pom runs the decode tests a second time under {@code -XX:UseAVX=2}; there this must be 256.
 */
class VectorShapeTest {

    @Test
    void shapeIsTheWidestTheJitCompilesUpTo512Bits() {
        int machine = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        assertEquals(Math.min(512, machine), VectorShape.BITS, "JVM flags " + jvmFlags());
        assertEquals(VectorShape.BITS / 32, VectorShape.F.length());
        assertEquals(VectorShape.BITS, VectorShape.I.vectorBitSize());
        assertEquals(VectorShape.BITS, VectorShape.S.vectorBitSize());
        assertEquals(VectorShape.LANES, VectorShape.S_LANES.length());
        assertEquals(VectorShape.LANES, VectorShape.B_LANES.length());
        assertEquals(VectorShape.LANES, PackedMatrix.GROUP);
        assertNull(VectorShape.unsupported(), "the test machines have AVX2 or better");
        if (jvmFlags().contains("-XX:UseAVX=2")) assertEquals(256, VectorShape.BITS, "HotSpot limited to AVX2 compiles 256-bit vectors");
    }

    /** Below AVX2 (here: HotSpot limited to 128-bit vectors) loading a model is one clear error, not a slow boxing run. */
    @Test
    void narrowerVectorsAreOneClearError() throws Exception {
        Path err = Files.createTempFile("pkv-narrow", ".txt");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:MaxVectorSize=16", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "dev.pyramidkv.engine.cli.Main",
                    "generate", "--model", TestModels.stories260K().toString(), "--prompt", "Once", "--max-tokens", "2")
                    .redirectErrorStream(false).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not finish");
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
            assertEquals(1, p.exitValue(), String.join("\n", lines));
            assertEquals(1, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).startsWith("pyramidkv: pyramidkv needs 256-bit vectors (AVX2) or wider, but this JVM compiles at most 128-bit"), lines.get(0));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String jvmFlags() {
        return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
