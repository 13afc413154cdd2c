package dev.pyramidkv.engine.model;

import dev.pyramidkv.engine.kernels.MatMul;
import dev.pyramidkv.engine.kernels.WorkerPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Per-session activation buffers, sized once from the config, the prompt chunk and the token budget. */
final class ForwardState {
    final int maxTokens;   // tokens one forward call may take (prompt length bound)
    final int chunk;       // rows per matmul
    final MemorySegment x;        // [maxTokens][dim] residual stream
    final MemorySegment xb;       // [chunk][dim] normed input of a sub-layer
    final MemorySegment q;        // [chunk][heads*headDim]
    final MemorySegment kRows;    // [chunk][kvDim] projections before staging
    final MemorySegment vRows;    // [chunk][kvDim]
    final MemorySegment kStage;   // [kvHeads][maxTokens][headDim] rope'd keys of the new tokens, one layer
    final MemorySegment vStage;   // [kvHeads][maxTokens][headDim]
    final MemorySegment att;      // [chunk][heads*headDim] attention output
    final MemorySegment gate;     // [chunk][ffn]
    final MemorySegment up;       // [chunk][ffn]
    final MemorySegment proj;     // [chunk][dim] output of wo / w_down
    final MemorySegment scores;   // [heads][cacheCapacity + maxTokens] attention row scratch
    final MemorySegment kqvAcc;   // [heads][32][headDim] accumulators of the attention-weighted values
    final MemorySegment logits;   // [vocab]
    final MatMul matmul;
    final int scoreStride;

    ForwardState(Arena arena, LlamaConfig c, WorkerPool pool, int maxTokens, int chunk, int cacheCapacity) {
        this.maxTokens = maxTokens;
        this.chunk = chunk;
        int qDim = c.heads() * c.headDim();
        x = f32(arena, (long) maxTokens * c.dim());
        xb = f32(arena, (long) chunk * c.dim());
        q = f32(arena, (long) chunk * qDim);
        kRows = f32(arena, (long) chunk * c.kvDim());
        vRows = f32(arena, (long) chunk * c.kvDim());
        kStage = f32(arena, (long) c.kvHeads() * maxTokens * c.headDim());
        vStage = f32(arena, (long) c.kvHeads() * maxTokens * c.headDim());
        att = f32(arena, (long) chunk * qDim);
        gate = f32(arena, (long) chunk * c.ffnDim());
        up = f32(arena, (long) chunk * c.ffnDim());
        proj = f32(arena, (long) chunk * c.dim());
        scoreStride = cacheCapacity + maxTokens;
        scores = f32(arena, (long) c.heads() * scoreStride);
        kqvAcc = f32(arena, (long) c.heads() * 32 * c.headDim());
        logits = f32(arena, c.vocab());
        matmul = new MatMul(arena, pool, chunk, Math.max(Math.max(c.dim(), qDim), c.ffnDim()));
    }

    private static MemorySegment f32(Arena arena, long n) {
        return arena.allocate(n * 4, 64);
    }
}
