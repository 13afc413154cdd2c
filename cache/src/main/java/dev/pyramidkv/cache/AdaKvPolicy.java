package dev.pyramidkv.cache;

/**
 * AdaKV-style head-wise budgets on top of SnapKV (uniform schedule) or PyramidKV (pyramid schedule).
 *
 * <p>A layer whose schedule keeps {@code b = slots - w} prefix tokens per head has {@code H·b} to share among
 * its {@code H} KV heads. Every head first gets its own top {@code floor(headFloor·b)} prefix tokens; the rest
 * of the {@code H·b} are the highest scores over all heads of the layer jointly (ties: lower position, then
 * lower head), each head capped at {@code min(n - w, capacity - w)} prefix tokens. Every head also keeps the
 * window. Heads end up with different lengths; the layer total is exactly {@code H·slots}.
 * (AdaKV's code takes the joint top-{@code H·b} first and mixes in the floor as
 * {@code round(count·(1-α) + α·b)}; taking the floor first keeps the total exact.)
 *
 * <p>Decode is SnapKV's, per head. Regions are sized so the largest share a head can get fits.
 */
final class AdaKvPolicy extends SnapKvPolicy {
    AdaKvPolicy(PolicyConfig config, KvShape shape) { super(config, shape); }

    /** Most slots one head can need when its layer keeps {@code slots} of an {@code n}-token prompt. */
    private int headSlots(int slots, int n) {
        if (slots >= n) return n;
        int b = slots - window;
        int floor = (int) Math.floor(config.headFloor() * b);
        long share = (long) shape.kvHeads() * b - (long) (shape.kvHeads() - 1) * floor;
        return (int) Math.min(n - window, share) + window;
    }

    @Override
    int[] capacities(int contextLength, int decodeHeadroom) {
        if (config.maxKvTokens().isPresent()) return super.capacities(contextLength, decodeHeadroom);
        return schedule.capacities(contextLength, decodeHeadroom, this::headSlots, shape.kvHeads());
    }

    @Override
    int[] capacitiesForPrompt(int promptLength, int decodeHeadroom) {
        if (config.maxKvTokens().isPresent()) return super.capacitiesForPrompt(promptLength, decodeHeadroom);
        return schedule.capacitiesForPrompt(promptLength, decodeHeadroom, this::headSlots);
    }

    @Override
    void selectPrefill(int layer, LayerRegion region, int n, int target, float[][] prefixScores, int[][] kept, int[] counts) {
        int heads = shape.kvHeads();
        int prefix = n - window;
        int b = target - window;
        int floor = (int) Math.floor(config.headFloor() * b);
        int maxShare = Math.min(prefix, region.capacity() - window);
        if (config.maxKvTokens().isEmpty() && region.capacity() < headSlots(target, n))
            throw new IllegalStateException("layer " + layer + ": an adakv head may need " + headSlots(target, n) + " slots for a "
                    + n + "-token prompt but the capacity is " + region.capacity() + "; size the cache for this prompt length");
        boolean[][] chosen = new boolean[heads][prefix];
        int[] share = new int[heads];
        int[] picked = new int[prefix * heads];
        float[] masked = new float[prefix * heads];
        float[] scratch = new float[prefix * heads];

        for (int h = 0; h < heads; h++) {                           // 1. every head's floor
            int c = Selection.keepTop(prefixScores[h], prefix, floor, scratch, picked);
            for (int i = 0; i < c; i++) chosen[h][picked[i]] = true;
            share[h] = c;
        }
        boolean[] open = new boolean[heads];
        java.util.Arrays.fill(open, true);
        int remaining = heads * b - heads * floor;
        while (remaining > 0) {                                     // 2. joint top over the open heads
            for (int j = 0; j < prefix; j++)                         // flat index j*heads + h: ties -> lower position, lower head
                for (int h = 0; h < heads; h++)
                    masked[j * heads + h] = open[h] && !chosen[h][j] ? prefixScores[h][j] : -1f;
            int c = Selection.keepTop(masked, prefix * heads, remaining, scratch, picked);
            int[] add = new int[heads];
            for (int i = 0; i < c; i++) {
                if (masked[picked[i]] < 0) throw new IllegalStateException("adakv: ran out of candidates in layer " + layer);
                add[picked[i] % heads]++;
            }
            boolean overCap = false;
            for (int h = 0; h < heads; h++) overCap |= share[h] + add[h] > maxShare;
            if (!overCap) {
                for (int i = 0; i < c; i++) chosen[picked[i] % heads][picked[i] / heads] = true;
                break;
            }
            for (int h = 0; h < heads; h++) {                       // 3. heads over their cap take their best up to it
                if (share[h] + add[h] <= maxShare) continue;
                float[] own = new float[prefix];
                for (int j = 0; j < prefix; j++) own[j] = chosen[h][j] ? -1f : prefixScores[h][j];
                int take = maxShare - share[h];
                int got = Selection.keepTop(own, prefix, take, scratch, picked);
                for (int i = 0; i < got; i++) chosen[h][picked[i]] = true;
                share[h] = maxShare;
                remaining -= take;
                open[h] = false;
            }
        }
        for (int h = 0; h < heads; h++) {
            int[] tokens = new int[prefix + window];
            int count = 0;
            for (int j = 0; j < prefix; j++) if (chosen[h][j]) tokens[count++] = j;
            for (int t = prefix; t < n; t++) tokens[count++] = t;
            kept[h] = tokens;
            counts[h] = count;
        }
    }
}
