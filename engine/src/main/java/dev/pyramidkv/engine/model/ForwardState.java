package dev.pyramidkv.engine.model;

import dev.pyramidkv.cache.StagingBuffer;
import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.PackedWeights;
import dev.pyramidkv.engine.kernels.WorkerPool;
import dev.pyramidkv.engine.kernels.onednn.PrefillAttention;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Per-session activation buffers, sized once from the config, the longest prompt and the cache capacity. */
final class ForwardState {
    final int maxTokens;   // tokens one forward call may take (prompt length bound)
    final int chunk;       // rows per matmul
    final int window;      // observation window rows kept for the policies' scores
    final MemorySegment x;        // [maxTokens][dim] residual stream
    final MemorySegment xb;       // [chunk][dim] normed input of a sub-layer
    final MemorySegment q;        // [chunk][heads*headDim]
    final MemorySegment kRows;    // [chunk][kvHeads*headDim] projections, rope'd in place
    final MemorySegment vRows;    // [chunk][kvHeads*headDim]
    final StagingBuffer staging;  // [kvHead][maxTokens rounded up to whole attention blocks][headDim] K and V of one layer's prompt
    final MemorySegment att;      // [chunk][heads*headDim] attention output
    final MemorySegment gate;     // [chunk][ffn]
    final MemorySegment up;       // [chunk][ffn]
    final MemorySegment proj;     // [chunk][dim] output of wo / w_down
    final MemorySegment scores;   // [heads][scoreStride] one attention row per head: scores, then probabilities
    final MemorySegment windowProbs; // [heads][window][maxTokens] probabilities of the prompt's last rows
    final MemorySegment columnSums;  // [heads][maxTokens] attention mass each prompt token received
    final MemorySegment kqvAcc;   // [heads][32][headDim] accumulators of the attention-weighted values
    final MemorySegment logits;   // [vocab]
    final MatMul matmul;
    final int scoreStride;

    ForwardState(Arena arena, LlamaConfig c, PackedWeights packed, WorkerPool pool, int maxTokens, int cacheCapacity, int window) {
        this.maxTokens = maxTokens;
        this.chunk = Math.min(maxTokens, 64);
        this.window = window;
        int qDim = c.heads() * c.headDim();
        x = f32(arena, (long) maxTokens * c.dim());
        xb = f32(arena, (long) chunk * c.dim());
        q = f32(arena, (long) chunk * qDim);
        kRows = f32(arena, (long) chunk * c.kvDim());
        vRows = f32(arena, (long) chunk * c.kvDim());
        staging = StagingBuffer.allocate(arena, c.kvHeads(), PrefillAttention.stagingRows(maxTokens), c.headDim());  // whole attention blocks
        att = f32(arena, (long) chunk * qDim);
        gate = f32(arena, (long) chunk * c.ffnDim());
        up = f32(arena, (long) chunk * c.ffnDim());
        proj = f32(arena, (long) chunk * c.dim());
        scoreStride = Math.max(cacheCapacity, maxTokens);
        scores = f32(arena, (long) c.heads() * scoreStride);
        windowProbs = f32(arena, (long) c.heads() * window * maxTokens);
        columnSums = f32(arena, (long) c.heads() * maxTokens);
        kqvAcc = f32(arena, (long) c.heads() * 32 * c.headDim());
        logits = f32(arena, c.vocab());
        matmul = new MatMul(arena, pool, chunk, Math.max(Math.max(c.dim(), qDim), c.ffnDim()), packed);
    }

    private static MemorySegment f32(Arena arena, long n) {
        return arena.allocate(n * 4, 64);
    }
}
