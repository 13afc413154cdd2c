package dev.pyramidkv.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately plain second implementation of the schedules and every policy, written separately from
 * the production code: Java lists of entries, full sorts with comparators, each formula written out as
 * the brief states it. The golden test runs both on the same random inputs and compares every kept
 * position and every K/V value.
 */
final class PlainReference {

    // ---------------------------------------------------------------- schedule

    /** Slots per layer, written straight from the brief. */
    static int[] slots(String mode, int layers, int budget, int window, double beta, int n) {
        int[] out = new int[layers];
        for (int l = 0; l < layers; l++) {
            if (mode.equals("full")) { out[l] = n; continue; }
            if (mode.equals("uniform")) { out[l] = n < budget ? n : budget; continue; }
            int b = budget - window;
            if (n < budget) { out[l] = n; continue; }
            if (n < 2 * b || layers == 1) { out[l] = b + window; continue; }
        }
        if (!mode.startsWith("pyramid") || n < budget || n < 2 * (budget - window) || layers == 1) return out;
        int b = budget - window;
        if (mode.equals("pyramid-reference")) {
            int min = (int) Math.floor(b / beta);
            int max = 2 * b - min;
            if (max >= n - window) { max = n - window; min = 2 * b - max; }
            int steps = Math.floorDiv(max - min, layers - 1);
            for (int l = 0; l < layers; l++) out[l] = max - l * steps + window;
            return out;
        }
        // exact: real arithmetic series, then largest remainder
        double min = b / beta, max = 2.0 * b - min;
        if (max >= n - window) { max = n - window; min = 2.0 * b - max; }
        double[] real = new double[layers];
        for (int l = 0; l < layers; l++) real[l] = max - l * (max - min) / (layers - 1);
        int[] keep = new int[layers];
        long sum = 0;
        for (int l = 0; l < layers; l++) { keep[l] = (int) Math.floor(real[l] + 1e-9); sum += keep[l]; }
        List<Integer> order = new ArrayList<>();
        for (int l = 0; l < layers; l++) order.add(l);
        order.sort(Comparator.comparingDouble((Integer l) -> -(real[l] - keep[l])).thenComparingInt(l -> l));
        long left = (long) layers * b - sum;
        for (int i = 0; i < left; i++) keep[order.get(i)]++;
        for (int l = 0; l < layers; l++) out[l] = keep[l] + window;
        return out;
    }

    // ---------------------------------------------------------------- inputs

    /** One layer's prompt: K/V [kvHead][n][headDim], window probs [qHead][rows][n], column sums [qHead][n]. */
    record Prompt(float[][][] k, float[][][] v, float[][][] windowProbs, float[][] columnSums) {
        int n() { return k[0].length; }
    }

    /** A live cache entry of one head: its position, K and V, and its score history. */
    static final class Entry {
        final int pos;
        final float[] k, v;
        float cumulative;                                   // H2O
        final Map<Integer, Float> received = new HashMap<>(); // window policies: query position -> folded prob
        Entry(int pos, float[] k, float[] v) { this.pos = pos; this.k = k; this.v = v; }
    }

    // ---------------------------------------------------------------- helpers

    static float fold(String gqa, float[] perQueryHead) {
        float acc = perQueryHead[0];
        for (int g = 1; g < perQueryHead.length; g++)
            acc = gqa.equals("max") ? Math.max(acc, perQueryHead[g]) : acc + perQueryHead[g];
        return gqa.equals("mean") ? acc / perQueryHead.length : acc;
    }

    static float[] pool(String pooling, float[] s, int kernel) {
        float[] out = new float[s.length];
        for (int j = 0; j < s.length; j++) {
            if (pooling.equals("max")) {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = j - kernel / 2; i <= j + kernel / 2; i++) if (i >= 0 && i < s.length) m = Math.max(m, s[i]);
                out[j] = m;
            } else {
                float sum = 0f;
                for (int i = j - kernel / 2; i <= j + kernel / 2; i++) if (i >= 0 && i < s.length) sum += s[i];  // pads count as 0
                out[j] = sum / kernel;
            }
        }
        return out;
    }

    /** Indices of the k best scores (higher first, ties to the lower index), ascending. */
    static List<Integer> top(float[] scores, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) idx.add(i);
        idx.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
        List<Integer> best = new ArrayList<>(idx.subList(0, Math.max(0, Math.min(k, scores.length))));
        best.sort(null);
        return best;
    }

    // ---------------------------------------------------------------- the cache

    final String policy, pooling, gqa;
    final int window, kernel, sinks, group, kvHeads, batch;
    final double headFloor;
    final List<List<Entry>> heads = new ArrayList<>();
    final int capacity;
    int recentQueries[];     // window policies: the positions of the last `window` queries, oldest first
    int queryCount;

    PlainReference(String policy, String pooling, String gqa, int window, int kernel, int sinks, double headFloor,
                   int batch, int qHeads, int kvHeads, int capacity) {
        this.policy = policy; this.pooling = pooling; this.gqa = gqa; this.window = window; this.kernel = kernel;
        this.sinks = sinks; this.headFloor = headFloor; this.batch = batch; this.kvHeads = kvHeads;
        this.group = qHeads / kvHeads; this.capacity = capacity;
        for (int h = 0; h < kvHeads; h++) heads.add(new ArrayList<>());
    }

    /** Score of every prefix token per KV head, straight from the definition. */
    float[][] windowScores(Prompt p) {
        int n = p.n(), prefix = n - window, rows = p.windowProbs()[0].length;
        float[][] out = new float[kvHeads][prefix];
        for (int h = 0; h < kvHeads; h++) {
            float[][] pooledPerQ = new float[group][];
            for (int g = 0; g < group; g++) {
                float[] s = new float[prefix];
                for (int j = 0; j < prefix; j++) {
                    float sum = 0f;
                    for (int r = 0; r < rows; r++) sum += p.windowProbs()[h * group + g][r][j];
                    s[j] = sum;
                }
                pooledPerQ[g] = pool(pooling, s, kernel);
            }
            for (int j = 0; j < prefix; j++) {
                float[] perQ = new float[group];
                for (int g = 0; g < group; g++) perQ[g] = pooledPerQ[g][j];
                out[h][j] = fold(gqa, perQ);
            }
        }
        return out;
    }

    float foldedColumnSum(Prompt p, int h, int t) {
        float[] perQ = new float[group];
        for (int g = 0; g < group; g++) perQ[g] = p.columnSums()[h * group + g][t];
        return fold(gqa, perQ);
    }

    /** Prefill into this cache, keeping {@code target} slots per head (the layer's average). */
    void prefill(Prompt p, int target) {
        int n = p.n();
        List<List<Integer>> kept = new ArrayList<>();
        for (int h = 0; h < kvHeads; h++) kept.add(new ArrayList<>());
        if (target >= n || policy.equals("full")) {
            for (int h = 0; h < kvHeads; h++) for (int t = 0; t < n; t++) kept.get(h).add(t);
        } else if (policy.equals("streaming")) {
            for (int h = 0; h < kvHeads; h++) {
                for (int t = 0; t < n; t++) if (t < Math.min(sinks, target) || t >= n - (target - Math.min(sinks, target))) kept.get(h).add(t);
            }
        } else if (policy.equals("h2o")) {
            for (int h = 0; h < kvHeads; h++) {
                float[] s = new float[n - window];
                for (int t = 0; t < n - window; t++) s[t] = foldedColumnSum(p, h, t);
                kept.get(h).addAll(top(s, target - window));
                for (int t = n - window; t < n; t++) kept.get(h).add(t);
            }
        } else if (policy.equals("snapkv")) {
            float[][] s = windowScores(p);
            for (int h = 0; h < kvHeads; h++) {
                kept.get(h).addAll(top(s[h], target - window));
                for (int t = n - window; t < n; t++) kept.get(h).add(t);
            }
        } else if (policy.equals("adakv")) {
            float[][] s = windowScores(p);
            int prefix = n - window, b = target - window, floor = (int) Math.floor(headFloor * b);
            int maxShare = Math.min(prefix, capacity - window);
            List<java.util.Set<Integer>> chosen = new ArrayList<>();
            for (int h = 0; h < kvHeads; h++) chosen.add(new java.util.TreeSet<>(top(s[h], floor)));
            record Candidate(int h, int t, float score) {}
            List<Candidate> all = new ArrayList<>();
            for (int h = 0; h < kvHeads; h++) for (int t = 0; t < prefix; t++) if (!chosen.get(h).contains(t)) all.add(new Candidate(h, t, s[h][t]));
            all.sort(Comparator.comparingDouble((Candidate c) -> -c.score()).thenComparingInt(Candidate::t).thenComparingInt(Candidate::h));
            int quota = kvHeads * b - kvHeads * floor;
            for (Candidate c : all) {                       // greedy, skipping heads at their cap
                if (quota == 0) break;
                if (chosen.get(c.h()).size() >= maxShare) continue;
                chosen.get(c.h()).add(c.t());
                quota--;
            }
            for (int h = 0; h < kvHeads; h++) {
                kept.get(h).addAll(chosen.get(h));
                for (int t = prefix; t < n; t++) kept.get(h).add(t);
            }
        } else throw new IllegalArgumentException(policy);

        int rows = p.windowProbs() == null ? 0 : p.windowProbs()[0].length;
        for (int h = 0; h < kvHeads; h++) {
            List<Entry> list = heads.get(h);
            list.clear();
            for (int t : kept.get(h)) {
                Entry e = new Entry(t, p.k()[h][t].clone(), p.v()[h][t].clone());
                if (p.columnSums() != null) e.cumulative = foldedColumnSum(p, h, t);
                for (int r = 0; r < rows; r++) {
                    float[] perQ = new float[group];
                    for (int g = 0; g < group; g++) perQ[g] = p.windowProbs()[h * group + g][r][t];
                    e.received.put(n - rows + r, fold(gqa, perQ));
                }
                list.add(e);
            }
        }
        recentQueries = new int[0];
        for (int r = 0; r < rows; r++) rememberQuery(n - rows + r);
    }

    private void rememberQuery(int position) {
        int[] next = new int[Math.min(window, recentQueries.length + 1)];
        int keepOld = next.length - 1;
        System.arraycopy(recentQueries, recentQueries.length - keepOld, next, 0, keepOld);
        next[next.length - 1] = position;
        recentQueries = next;
    }

    /** Appends one token to every head, evicting first where a head is full. */
    void append(int position, float[][] k, float[][] v) {
        for (int h = 0; h < kvHeads; h++) {
            List<Entry> list = heads.get(h);
            if (list.size() == capacity) evict(list);
            list.add(new Entry(position, k[h].clone(), v[h].clone()));
        }
    }

    private void evict(List<Entry> list) {
        int len = list.size();
        switch (policy) {
            case "full" -> throw new IllegalStateException("full never evicts");
            case "streaming" -> {
                int s = Math.min(sinks, len);
                int e = Math.min(batch, len - s);
                for (int i = 0; i < e; i++) list.remove(s);
            }
            default -> {
                int evictable = len - window;
                int e = Math.min(batch, evictable);
                float[] score = new float[evictable];
                for (int i = 0; i < evictable; i++) {
                    Entry entry = list.get(i);
                    if (policy.equals("h2o")) score[i] = entry.cumulative;
                    else {
                        float sum = 0f;
                        for (int q : recentQueries) sum += entry.received.getOrDefault(q, 0f);
                        score[i] = sum;
                    }
                }
                if (!policy.equals("h2o")) score = pool(pooling, score, kernel);
                List<Integer> keepIdx = top(score, evictable - e);
                List<Entry> kept = new ArrayList<>();
                for (int i : keepIdx) kept.add(list.get(i));
                kept.addAll(list.subList(evictable, len));
                list.clear();
                list.addAll(kept);
            }
        }
    }

    /** One decode step's probabilities: probs[q][i] for the i-th live entry of q's KV head. */
    void observe(int queryPosition, float[][] probs) {
        if (policy.equals("full") || policy.equals("streaming")) return;
        for (int h = 0; h < kvHeads; h++) {
            List<Entry> list = heads.get(h);
            for (int i = 0; i < list.size(); i++) {
                float[] perQ = new float[group];
                for (int g = 0; g < group; g++) perQ[g] = probs[h * group + g][i];
                float f = fold(gqa, perQ);
                if (policy.equals("h2o")) list.get(i).cumulative += f;
                else list.get(i).received.put(queryPosition, f);
            }
        }
        if (!policy.equals("h2o")) rememberQuery(queryPosition);
    }
}
