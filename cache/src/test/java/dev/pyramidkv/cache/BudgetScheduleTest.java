package dev.pyramidkv.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class BudgetScheduleTest {
    static final int L = 32, W = 8;

    /** The numbers in the brief, worked out by hand from the reference formula (L=32, w=8, β=20, long prompt). */
    @ParameterizedTest
    @CsvSource({"64, 118, 25", "128, 242, 25", "512, 991, 61", "2048, 3986, 111"})
    void referenceModeReproducesTheReferenceCode(int budget, int first, int last) {
        BudgetSchedule s = BudgetSchedule.pyramidReference(L, budget, W, 20);
        for (int n : new int[] {BudgetSchedule.LONG_PROMPT, 100_000}) {
            int[] slots = s.slotsPerLayer(n);
            assertEquals(first, slots[0], "layer 0, budget " + budget);
            assertEquals(last, slots[L - 1], "layer 31, budget " + budget);
            for (int l = 1; l < L; l++) assertTrue(slots[l] <= slots[l - 1], "slots fall with depth");
        }
    }

    @Test
    void referenceModeOvershootsItsTotalByTheFloors() {
        // B=120, min=6, max=234, steps=228//31=7: sum over l of (234 - 7l + 8) = 32*242 - 7*496 = 4272 (1.043 x 32*128)
        assertEquals(4272, BudgetSchedule.pyramidReference(L, 128, W, 20).totalSlots(BudgetSchedule.LONG_PROMPT));
    }

    @Test
    void exactModeTotalsExactlyLayersTimesBudget() {
        for (int layers : new int[] {2, 5, 24, 32, 40})
            for (int budget : new int[] {12, 64, 100, 128, 513, 2048})
                for (double beta : new double[] {2, 7.5, 20})
                    for (int n : new int[] {2 * (budget - W), 2 * (budget - W) + 3, 2 * budget, 5000, BudgetSchedule.LONG_PROMPT}) {
                        if (n < 2 * (budget - W) || n < budget) continue;
                        BudgetSchedule s = BudgetSchedule.pyramidExact(layers, budget, W, beta);
                        int[] slots = s.slotsPerLayer(n);
                        String where = "L=" + layers + " K=" + budget + " beta=" + beta + " n=" + n + " " + Arrays.toString(slots);
                        assertEquals((long) layers * budget, s.totalSlots(n), where);
                        for (int l = 1; l < layers; l++) assertTrue(slots[l] <= slots[l - 1], "non-increasing: " + where);
                        for (int l = 0; l < layers; l++) assertTrue(slots[l] <= n && slots[l] >= W, "within [w, n]: " + where);   // a deep layer may keep only the window
                        // each layer is its real-valued share rounded down or up
                        double b = budget - W, min = b / beta, max = 2 * b - min;
                        if (max >= n - (double) W) { max = n - (double) W; min = 2 * b - max; }
                        for (int l = 0; l < layers; l++) {
                            double real = max - l * (max - min) / (layers - 1) + W;
                            assertTrue(slots[l] >= Math.floor(real - 1e-9) && slots[l] <= Math.ceil(real + 1e-9), "layer " + l + " real " + real + ": " + where);
                        }
                    }
    }

    @Test
    void shortPromptsAreNotCompressedAndMediumOnesAreUniform() {
        for (BudgetSchedule s : new BudgetSchedule[] {BudgetSchedule.pyramidReference(L, 128, W, 20), BudgetSchedule.pyramidExact(L, 128, W, 20)}) {
            for (int n : new int[] {1, 50, 127}) for (int slots : s.slotsPerLayer(n)) assertEquals(n, slots, s + " n=" + n);
            for (int n : new int[] {128, 200, 239}) for (int slots : s.slotsPerLayer(n)) assertEquals(128, slots, s + " n=" + n);  // B + w, n < 2B = 240
        }
        BudgetSchedule uniform = BudgetSchedule.uniform(4, 128, W);
        assertArrayEquals(new int[] {100, 100, 100, 100}, uniform.slotsPerLayer(100));
        assertArrayEquals(new int[] {128, 128, 128, 128}, uniform.slotsPerLayer(128));
        assertArrayEquals(new int[] {128, 128, 128, 128}, uniform.slotsPerLayer(9000));
    }

    @Test
    void clampNearTwiceTheBudgetFollowsTheReference() {
        // n=241: max=min(234, 233)=233, min=240-233=7, steps=226//31=7; layer 0: 233+8=241, layer 31: 233-217+8=24
        int[] s = BudgetSchedule.pyramidReference(L, 128, W, 20).slotsPerLayer(241);
        assertEquals(241, s[0]);
        assertEquals(24, s[31]);
        assertEquals(233 - 7 * 5 + 8, s[5]);
    }

    @Test
    void oneLayerKeepsTheBudget() {
        assertArrayEquals(new int[] {128}, BudgetSchedule.pyramidReference(1, 128, W, 20).slotsPerLayer(5000));
        assertArrayEquals(new int[] {128}, BudgetSchedule.pyramidExact(1, 128, W, 20).slotsPerLayer(5000));
    }

    @Test
    void capacityCoversEveryPromptLengthUpToTheContext() {
        int context = 3000, headroom = 17;
        for (BudgetSchedule s : new BudgetSchedule[] {
                BudgetSchedule.pyramidReference(L, 128, W, 20), BudgetSchedule.pyramidExact(L, 128, W, 20),
                BudgetSchedule.pyramidReference(6, 64, W, 3), BudgetSchedule.uniform(3, 100, W),
                BudgetSchedule.explicit(W, 40, 300, 20), BudgetSchedule.full(2)}) {
            int[] cap = s.capacities(context, headroom);
            int[] max = new int[s.layers()];
            for (int n = 1; n <= context; n++) {           // brute force over every prompt length
                int[] slots = s.slotsPerLayer(n);
                for (int l = 0; l < s.layers(); l++) max[l] = Math.max(max[l], slots[l]);
            }
            for (int l = 0; l < s.layers(); l++) assertEquals(max[l] + headroom, cap[l], s + " layer " + l);
        }
        // the deep layers must hold B + w = 128 (prompts between K and 2B), far more than their long-prompt 25
        int[] cap = BudgetSchedule.pyramidReference(L, 128, W, 20).capacities(context, 0);
        assertEquals(128, cap[31]);
        assertEquals(242, cap[0]);
        assertArrayEquals(new int[] {500, 500}, BudgetSchedule.full(2).capacities(400, 100));
        assertArrayEquals(new int[] {242 + 5, 25 + 5}, new int[] {
                BudgetSchedule.pyramidReference(L, 128, W, 20).capacitiesForPrompt(4000, 5)[0],
                BudgetSchedule.pyramidReference(L, 128, W, 20).capacitiesForPrompt(4000, 5)[31]});
    }

    @Test
    void decodeCapsSplitByTheSameSchedule() {
        assertArrayEquals(new int[] {96, 96, 96}, BudgetSchedule.uniform(3, 64, W).decodeCaps(96));
        BudgetSchedule ref = BudgetSchedule.pyramidReference(L, 64, W, 20);
        assertArrayEquals(BudgetSchedule.pyramidReference(L, 128, W, 20).slotsPerLayer(BudgetSchedule.LONG_PROMPT), ref.decodeCaps(128));
        int[] exact = BudgetSchedule.pyramidExact(L, 64, W, 20).decodeCaps(1000);
        assertEquals(32L * 1000, Arrays.stream(exact).asLongStream().sum());
        int[] explicit = BudgetSchedule.explicit(W, 100, 50, 50).decodeCaps(40);   // 120 split 2:1:1
        assertArrayEquals(new int[] {60, 30, 30}, explicit);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BudgetSchedule.uniform(3, 64, W).decodeCaps(8));
        assertTrue(e.getMessage().contains("maxKvTokens=8"), e.getMessage());
    }

    @Test
    void explicitScheduleCapsAtThePromptLength() {
        BudgetSchedule s = BudgetSchedule.explicit(W, 40, 300, 20);
        assertArrayEquals(new int[] {40, 100, 20}, s.slotsPerLayer(100));
        assertArrayEquals(new int[] {10, 10, 10}, s.slotsPerLayer(10));
        assertThrows(IllegalArgumentException.class, () -> BudgetSchedule.explicit(W, 40, 8));
    }

    @Test
    void jsonReportListsEveryLayerAndTheTotal() {
        String json = BudgetSchedule.pyramidReference(L, 128, W, 20).toJson(BudgetSchedule.LONG_PROMPT);
        assertTrue(json.startsWith("{"), json);
        assertTrue(json.endsWith("\"total\": 4272}"), json);
        assertTrue(json.contains("\"layers\": [{\"layer\": 0, \"slots\": 242}, {\"layer\": 1, \"slots\": 235}"), json);
        assertTrue(json.contains("{\"layer\": 31, \"slots\": 25}]"), json);
        Matcher m = Pattern.compile("\\{\"layer\": (\\d+), \"slots\": (\\d+)}").matcher(json);
        int count = 0;
        long sum = 0;
        while (m.find()) {
            assertEquals(count, Integer.parseInt(m.group(1)));
            sum += Integer.parseInt(m.group(2));
            count++;
        }
        assertEquals(32, count);
        assertEquals(4272, sum);
        assertTrue(BudgetSchedule.uniform(2, 64, W).toJson(50).contains("\"prompt_tokens\": 50"));
        String text = BudgetSchedule.uniform(2, 64, W).toText(1000);
        assertTrue(text.contains("total  128"), text);
    }

    @Test
    void forConfigPicksTheModeAndChecksTheLayerCount() {
        assertEquals(ScheduleMode.PYRAMID_REFERENCE, BudgetSchedule.forConfig(PolicyConfig.of("pyramid", 128), L).mode());
        assertEquals(ScheduleMode.UNIFORM, BudgetSchedule.forConfig(PolicyConfig.of("snapkv", 128), L).mode());
        assertEquals(ScheduleMode.FULL, BudgetSchedule.forConfig(PolicyConfig.builder("full").build(), L).mode());
        PolicyConfig explicit = PolicyConfig.builder("pyramid").layerSlots(20, 30).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BudgetSchedule.forConfig(explicit, 3));
        assertTrue(e.getMessage().contains("layerSlots.length=2"), e.getMessage());
    }
}
