package dev.pyramidkv.engine.sampling;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: repetition penalty, then greedy or temperature → top-k → top-p →
 * min-p → a draw. Buffers are sized once for the vocabulary; {@link #sample} allocates nothing.
 */
public final class Sampler {
    private final int vocab;
    private final float[] logits;
    private final int[] order;       // candidate ids, best first after selection
    private final float[] probs;      // probabilities of order[0..n)
    private final int[] recent;      // ring of recent tokens for the repetition penalty
    private int recentCount, recentHead;
    private SamplerSettings params;
    private SplittableRandom rng;

    public Sampler(int vocab) {
        this.vocab = vocab;
        this.logits = new float[vocab];
        this.order = new int[vocab];
        this.probs = new float[vocab];
        this.recent = new int[1024];
    }

    /** Starts a generation: new parameters, seed, and the prompt's tail for the repetition penalty. */
    public void reset(SamplerSettings p, int[] history, int historyLength) {
        if (p.repeatLastN() > recent.length) {
            throw new IllegalArgumentException("repeatLastN " + p.repeatLastN() + " exceeds " + recent.length);
        }
        this.params = p;
        this.rng = new SplittableRandom(p.seed());
        recentCount = 0;
        recentHead = 0;
        for (int i = Math.max(0, historyLength - p.repeatLastN()); i < historyLength; i++) accept(history[i]);
    }

    /** Records a token that joined the sequence. */
    public void accept(int token) {
        if (params == null || params.repeatLastN() == 0) return;
        recent[recentHead] = token;
        recentHead = (recentHead + 1) % params.repeatLastN();
        recentCount = Math.min(recentCount + 1, params.repeatLastN());
    }

    public int sample(MemorySegment logitSegment) {
        MemorySegment.copy(logitSegment, ValueLayout.JAVA_FLOAT, 0, logits, 0, vocab);
        SamplerSettings p = params;
        if (p.repeatPenalty() != 1f) {
            for (int i = 0; i < recentCount; i++) {
                int t = recent[i];
                // as llama.cpp: divide positive logits, multiply negative ones (each token once)
                if (!seenEarlier(i, t)) logits[t] = logits[t] > 0 ? logits[t] / p.repeatPenalty() : logits[t] * p.repeatPenalty();
            }
        }
        if (p.temperature() == 0f) return argmax();

        int n = vocab;
        for (int i = 0; i < n; i++) order[i] = i;
        if (p.topK() > 0 && p.topK() < n) {
            selectTop(p.topK());
            n = p.topK();
        }
        sortByLogit(0, n - 1);
        // softmax at the temperature over the candidates
        float max = logits[order[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp((logits[order[i]] - max) / p.temperature());
            probs[i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) probs[i] /= (float) sum;
        if (p.topP() < 1f) {
            double cum = 0;
            for (int i = 0; i < n; i++) {
                cum += probs[i];
                if (cum >= p.topP()) { n = i + 1; break; }
            }
        }
        if (p.minP() > 0f) {
            float floor = probs[0] * p.minP();
            int keep = 1;
            while (keep < n && probs[keep] >= floor) keep++;
            n = keep;
        }
        double total = 0;
        for (int i = 0; i < n; i++) total += probs[i];
        double r = rng.nextDouble() * total;
        for (int i = 0; i < n; i++) {
            r -= probs[i];
            if (r <= 0) return order[i];
        }
        return order[n - 1];
    }

    private boolean seenEarlier(int index, int token) {
        for (int j = 0; j < index; j++) if (recent[j] == token) return true;
        return false;
    }

    private int argmax() {
        int best = 0;
        for (int i = 1; i < vocab; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Moves the k largest logits to order[0..k) (unsorted) by quickselect. */
    private void selectTop(int k) {
        int lo = 0, hi = vocab - 1;
        while (lo < hi) {
            int p = partition(lo, hi);
            if (p == k - 1) return;
            if (p < k - 1) lo = p + 1; else hi = p - 1;
        }
    }

    private void sortByLogit(int lo, int hi) {
        while (lo < hi) {
            int p = partition(lo, hi);
            if (p - lo < hi - p) { sortByLogit(lo, p - 1); lo = p + 1; }
            else { sortByLogit(p + 1, hi); hi = p - 1; }
        }
    }

    /** Descending by logit, ties by lower id; returns the pivot's final index. */
    private int partition(int lo, int hi) {
        int mid = (lo + hi) >>> 1;
        swap(mid, hi);
        int pivot = order[hi];
        int store = lo;
        for (int i = lo; i < hi; i++) {
            if (before(order[i], pivot)) swap(i, store++);
        }
        swap(store, hi);
        return store;
    }

    private boolean before(int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    private void swap(int i, int j) {
        int t = order[i]; order[i] = order[j]; order[j] = t;
    }
}
