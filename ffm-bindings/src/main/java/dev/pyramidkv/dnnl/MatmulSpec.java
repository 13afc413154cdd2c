package dev.pyramidkv.dnnl;

/**
 * Shape, types and layouts of {@code dst[M,N] = src[M,K] · weights[K,N]}. Row strides are in
 * elements and let each operand be a view into a wider matrix (e.g. one head's columns of Q).
 *
 * @param srcRowStride     elements between rows of src, at least K
 * @param weightsRowStride elements between rows of the weights as stored: at least N for
 *                         {@link WeightsLayout#KN}, at least K for {@link WeightsLayout#NK}, 0 for {@link WeightsLayout#ANY}
 * @param dstRowStride     elements between rows of dst, at least N
 */
public record MatmulSpec(int m, int k, int n, DataType srcType, DataType weightsType, DataType dstType,
                         WeightsLayout weightsLayout, long srcRowStride, long weightsRowStride, long dstRowStride) {

    public MatmulSpec {
        positive("m", m);
        positive("k", k);
        positive("n", n);
        if (srcType == null || weightsType == null || dstType == null || weightsLayout == null) {
            throw new IllegalArgumentException("types and weightsLayout must be given: " + this);
        }
        atLeast("srcRowStride", srcRowStride, k, "k");
        atLeast("dstRowStride", dstRowStride, n, "n");
        switch (weightsLayout) {
            case KN -> atLeast("weightsRowStride", weightsRowStride, n, "n (weights are [K][N])");
            case NK -> atLeast("weightsRowStride", weightsRowStride, k, "k (weights are [N][K])");
            case ANY -> {
                if (weightsRowStride != 0) {
                    throw new IllegalArgumentException("weightsRowStride is " + weightsRowStride
                            + " but must be 0 with WeightsLayout.ANY (oneDNN chooses the layout)");
                }
            }
        }
    }

    /** f32 · f32 → f32, dense rows. */
    public static MatmulSpec f32(int m, int k, int n, WeightsLayout layout) {
        return dense(m, k, n, DataType.F32, DataType.F32, DataType.F32, layout);
    }

    /** bf16 · bf16 → f32, dense rows. */
    public static MatmulSpec bf16(int m, int k, int n, WeightsLayout layout) {
        return dense(m, k, n, DataType.BF16, DataType.BF16, DataType.F32, layout);
    }

    public static MatmulSpec dense(int m, int k, int n, DataType src, DataType weights, DataType dst, WeightsLayout layout) {
        long weightsRow = switch (layout) {
            case KN -> n;
            case NK -> k;
            case ANY -> 0;
        };
        return new MatmulSpec(m, k, n, src, weights, dst, layout, k, weightsRow, n);
    }

    /** The same with explicit row strides (elements). */
    public MatmulSpec withRowStrides(long src, long weights, long dst) {
        return new MatmulSpec(m, k, n, srcType, weightsType, dstType, weightsLayout, src, weights, dst);
    }

    /** Multiply-adds × 2. */
    public long flops() {
        return 2L * m * k * n;
    }

    @Override
    public String toString() {
        return "matmul " + srcType + "[" + m + "x" + k + "] x " + weightsType + "[" + k + "x" + n + "," + weightsLayout
                + "] -> " + dstType + "[" + m + "x" + n + "]"
                + (srcRowStride != k || dstRowStride != n || (weightsLayout != WeightsLayout.ANY
                        && weightsRowStride != (weightsLayout == WeightsLayout.KN ? n : k))
                        ? " row strides " + srcRowStride + "/" + weightsRowStride + "/" + dstRowStride : "");
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " is " + v + " but must be positive");
    }

    private static void atLeast(String name, long v, long min, String what) {
        if (v < min) throw new IllegalArgumentException(name + " is " + v + " but must be at least " + what + " = " + min);
    }
}
