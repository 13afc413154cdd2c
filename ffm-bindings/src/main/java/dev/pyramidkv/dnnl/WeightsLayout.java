package dev.pyramidkv.dnnl;

/** How a matmul's weights {@code [K, N]} are laid out in memory. */
public enum WeightsLayout {
    /** Row-major {@code [K][N]}: each input feature's N weights contiguous. */
    KN,
    /** Row-major {@code [N][K]}: each output's K weights contiguous (GGUF / PyTorch Linear), i.e. the transpose by strides. */
    NK,
    /** oneDNN chooses (usually a blocked layout); fill it once with {@link Matmul#packWeights}. */
    ANY
}
