package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.gguf.GgmlType;
import dev.pyramidkv.engine.gguf.GgufTensor;
import dev.pyramidkv.engine.kernels.Dequant;
import dev.pyramidkv.engine.kernels.Fp16;
import dev.pyramidkv.engine.kernels.ScalarReference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The llama-family forward pass (llama, qwen2) written out plainly in double, for tests only: one prompt from position 0,
 * the logits of its last token. It shares nothing with {@link Transformer} but the config and the tensor
 * lookup of {@link LlamaWeights} (which also resolves a tied output): its own weight decoding, RMSNorm,
 * RoPE (from Math.pow/cos/sin), softmax and SwiGLU.
 * <p>
 * {@link Activations#EXACT} is real-number math on the weights as stored (Q4_1's d·q + m summed in
 * double, not rounded to f32 as ggml dequantizes; K-quants and Q5_0, whose d·sc·q − m has more terms, are
 * ggml's f32 dequantization, off by an f32 rounding). {@link Activations#Q8_AS_LLAMA_CPP} additionally
 * does what llama.cpp does to the input of a block-quantized weight: round the activation row to f32
 * and quantize it per block of 32 to int8 ({@link ScalarReference#quantizeBlock}); the block dot is
 * then d_w·d_x·Σ(q_w·q_x), plus m_w·s_x for Q4_1 — all of it in double.
 */
final class Float64Llama {
    enum Activations {
        /** Activations enter every matmul unrounded. */
        EXACT,
        /** Rounded to f32 and quantized to int8 per block before a block-quantized weight, as llama.cpp. */
        Q8_AS_LLAMA_CPP,
        /**
         * As {@link #Q8_AS_LLAMA_CPP} with each activation moved one f32 ulp up before quantizing: shows how
         * far a last-bit difference (f32 vs double arithmetic) carries through the quantizer.
         */
        Q8_ONE_ULP_UP
    }

    private static final int QK = 32;

    private final LlamaConfig c;
    private final LlamaWeights w;
    private final Activations mode;

    Float64Llama(Llama model, Activations mode) {
        this.c = model.config;
        this.w = model.weights;
        this.mode = mode;
    }

    /** Logits {@code [vocab]} after the last of {@code tokens}, placed at positions 0, 1, … */
    double[] logits(int[] tokens) {
        int n = tokens.length, hd = c.headDim();
        double[][] x = new double[n][];                                  // [n][dim] residual stream
        for (int t = 0; t < n; t++) x[t] = dequantRow(w.tokenEmbedding, tokens[t]);
        for (int l = 0; l < c.layers(); l++) {
            LlamaWeights.Layer lw = w.layers[l];

            // attention
            double[][] xb = new double[n][];
            for (int t = 0; t < n; t++) xb[t] = rmsNorm(x[t], lw.attnNorm());
            double[][] q = matmul(lw.wq(), xb);                          // [n][heads*hd]
            double[][] k = matmul(lw.wk(), xb);                          // [n][kvHeads*hd]
            double[][] v = matmul(lw.wv(), xb);                          // [n][kvHeads*hd]
            addBias(q, lw.bq());                                         // qwen2 (llama has none)
            addBias(k, lw.bk());
            addBias(v, lw.bv());
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < c.heads(); h++) rope(q[t], h * hd, t);
                for (int h = 0; h < c.kvHeads(); h++) rope(k[t], h * hd, t);
            }
            double[][] att = new double[n][c.heads() * hd];
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < c.heads(); h++) attend(q, k, v, t, h, att[t]);
            }
            add(x, matmul(lw.wo(), att));

            // feed-forward
            for (int t = 0; t < n; t++) xb[t] = rmsNorm(x[t], lw.ffnNorm());
            double[][] gate = matmul(lw.wGate(), xb);                    // [n][ffn]
            double[][] up = matmul(lw.wUp(), xb);
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < c.ffnDim(); i++) {
                    double g = gate[t][i];
                    gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
                }
            }
            add(x, matmul(lw.wDown(), gate));
        }
        double[][] last = {rmsNorm(x[n - 1], w.outputNorm)};
        return matmul(w.output, last)[0];
    }

    /** x / sqrt(mean(x²) + eps) · weight. */
    private double[] rmsNorm(double[] x, GgufTensor weight) {
        double ss = 0;
        for (double v : x) ss += v * v;
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] g = dequantRow(weight, 0);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * scale * g[i];
        return y;
    }

    /**
     * RoPE: pair i of the head at {@code off} turns by pos·base^(−2i/ropeDim); the pair is elements (2i, 2i+1)
     * in mode NORM (llama), (i, i + ropeDim/2) in mode NEOX (qwen2).
     */
    private void rope(double[] v, int off, int pos) {
        int pairs = c.ropeDim() / 2;
        for (int i = 0; i < pairs; i++) {
            double theta = pos * Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDim());
            double cos = Math.cos(theta), sin = Math.sin(theta);
            int i0 = off + (c.ropeNeox() ? i : 2 * i), i1 = c.ropeNeox() ? i0 + pairs : i0 + 1;
            double x0 = v[i0], x1 = v[i1];
            v[i0] = x0 * cos - x1 * sin;
            v[i1] = x0 * sin + x1 * cos;
        }
    }

    /** x[t][i] += bias[i] for every row, if there is a bias. */
    private static void addBias(double[][] x, GgufTensor bias) {
        if (bias == null) return;
        double[] b = dequantRow(bias, 0);
        for (double[] row : x) {
            for (int i = 0; i < row.length; i++) row[i] += b[i];
        }
    }

    /** Query head h of token t over keys/values 0..t of its KV head: out[h·hd, (h+1)·hd) = Σ_j softmax_j · v_j. */
    private void attend(double[][] q, double[][] k, double[][] v, int t, int h, double[] out) {
        int hd = c.headDim();
        int qo = h * hd, ko = (h / (c.heads() / c.kvHeads())) * hd;
        double[] score = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= t; j++) {
            score[j] = dot(q[t], qo, k[j], ko, hd) / Math.sqrt(hd);
            max = Math.max(max, score[j]);
        }
        double sum = 0;
        for (int j = 0; j <= t; j++) {
            score[j] = Math.exp(score[j] - max);
            sum += score[j];
        }
        for (int j = 0; j <= t; j++) {
            double p = score[j] / sum;
            for (int i = 0; i < hd; i++) out[qo + i] += p * v[j][ko + i];
        }
    }

    private static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) x[t][i] += y[t][i];
        }
    }

    /** out[t][r] = Σ_i W[r][i]·x[t][i] for W {@code [rows][k]}, x {@code [n][k]}. */
    private double[][] matmul(GgufTensor weight, double[][] x) {
        int rows = (int) weight.rows(), k = (int) weight.rowLength(), n = x.length;
        double[][] out = new double[n][rows];
        if (mode != Activations.EXACT && isBlockQuantized(weight.type())) {
            QuantizedRow[] xq = new QuantizedRow[n];
            for (int t = 0; t < n; t++) xq[t] = quantizeActivations(x[t], mode == Activations.Q8_ONE_ULP_UP);
            QuantizedRow wr = new QuantizedRow(k);
            for (int r = 0; r < rows; r++) {
                readBlocks(weight, r, wr);
                for (int t = 0; t < n; t++) {
                    double sum = 0;
                    for (int b = 0; b < k / QK; b++) {
                        long isum = 0;
                        for (int j = b * QK; j < (b + 1) * QK; j++) isum += (long) wr.q[j] * xq[t].q[j];
                        sum += wr.d[b] * xq[t].d[b] * isum + wr.m[b] * xq[t].m[b];
                    }
                    out[t][r] = sum;
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                double[] wr = dequantRow(weight, r);
                for (int t = 0; t < n; t++) out[t][r] = dot(wr, 0, x[t], 0, k);
            }
        }
        return out;
    }

    /**
     * Σ a[aOff+i]·b[bOff+i] for i in [0, n), in four interleaved partial sums: four independent add
     * chains run about four times faster than one, and in double the order is immaterial here.
     */
    private static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < n; i++) s0 += a[aOff + i] * b[bOff + i];
        return (s0 + s1) + (s2 + s3);
    }

    private static boolean isBlockQuantized(GgmlType t) {
        return t == GgmlType.Q8_0 || t == GgmlType.Q4_0 || t == GgmlType.Q4_1;
    }

    /**
     * A row as integer quanta in blocks of 32: value ≈ d[b]·q[j] + m[b]. For weights m is Q4_1's min (0
     * otherwise); for quantized activations m holds s = f16(d·Σq), which multiplies the weight's m.
     */
    private static final class QuantizedRow {
        final int[] q;
        final double[] d, m;

        QuantizedRow(int k) {
            q = new int[k];
            d = new double[k / QK];
            m = new double[k / QK];
        }
    }

    /**
     * As llama.cpp: the row rounded to f32 (then one ulp up if {@code nudge}), and per block
     * d = f16(amax/127), q = rint(x·127/amax), s = f16(amax/127·Σq).
     */
    private static QuantizedRow quantizeActivations(double[] x, boolean nudge) {
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) xf[i] = nudge ? Math.nextUp((float) x[i]) : (float) x[i];
        QuantizedRow row = new QuantizedRow(x.length);
        float[] ds = new float[2];
        for (int b = 0; b < x.length / QK; b++) {
            int[] q = ScalarReference.quantizeBlock(xf, b * QK, ds);
            System.arraycopy(q, 0, row.q, b * QK, QK);
            row.d[b] = ds[0];
            row.m[b] = ds[1];
        }
        return row;
    }

    /** Row r of a block-quantized weight, read from the GGUF blocks. */
    private static void readBlocks(GgufTensor t, long r, QuantizedRow out) {
        MemorySegment s = t.data();
        long base = r * t.rowBytes();
        for (int b = 0; b < out.d.length; b++) {
            switch (t.type()) {
                case Q8_0 -> {              // f16 d, 32 × int8
                    long o = base + 34L * b;
                    out.d[b] = Fp16.half(s, o);
                    out.m[b] = 0;
                    for (int j = 0; j < QK; j++) out.q[b * QK + j] = s.get(ValueLayout.JAVA_BYTE, o + 2 + j);
                }
                case Q4_0, Q4_1 -> {        // Q4_0: f16 d, 16 B nibbles, value d·(q−8); Q4_1: f16 d, f16 m, nibbles, d·q + m
                    boolean q41 = t.type() == GgmlType.Q4_1;
                    long o = base + (q41 ? 20L : 18L) * b;
                    out.d[b] = Fp16.half(s, o);
                    out.m[b] = q41 ? Fp16.half(s, o + 2) : 0;
                    int offset = q41 ? 0 : 8;
                    for (int j = 0; j < 16; j++) {
                        int packed = s.get(ValueLayout.JAVA_BYTE, o + (q41 ? 4 : 2) + j) & 0xFF;
                        out.q[b * QK + j] = (packed & 0x0F) - offset;        // low nibbles: elements 0..15
                        out.q[b * QK + j + 16] = (packed >>> 4) - offset;    // high nibbles: elements 16..31
                    }
                }
                default -> throw new IllegalArgumentException("not block-quantized: " + t.type() + " (tensor '" + t.name() + "')");
            }
        }
    }

    /** Row r of a weight as exact doubles. */
    private static double[] dequantRow(GgufTensor t, long r) {
        int k = (int) t.rowLength();
        double[] out = new double[k];
        if (t.type() == GgmlType.F32) {
            for (int i = 0; i < k; i++) out[i] = t.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, r * t.rowBytes() + 4L * i);
        } else if (isBlockQuantized(t.type())) {
            QuantizedRow row = new QuantizedRow(k);
            readBlocks(t, r, row);
            for (int i = 0; i < k; i++) out[i] = row.d[i / QK] * row.q[i] + row.m[i / QK];
        } else if (t.type() == GgmlType.Q4_K || t.type() == GgmlType.Q6_K || t.type() == GgmlType.Q5_0) {
            try (Arena arena = Arena.ofConfined()) {   // ggml's f32 dequantization (KQuantsTest checks it against ggml's)
                MemorySegment row = arena.allocate(4L * k);
                Dequant.row(t, r, row, 0);
                for (int i = 0; i < k; i++) out[i] = row.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            }
        } else {
            throw new IllegalArgumentException("the float64 reference reads F32, Q8_0, Q4_0, Q4_1, Q5_0, Q4_K and Q6_K weights, not " + t.type() + " (tensor '" + t.name() + "')");
        }
        return out;
    }
}
