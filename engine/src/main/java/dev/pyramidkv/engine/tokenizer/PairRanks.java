package dev.pyramidkv.engine.tokenizer;

import java.util.Arrays;

/**
 * Merge rank of a pair of symbol ids, in an open-addressing table (linear probing) of packed
 * {@code left << 32 | right} keys. A boxed {@code HashMap<Long, Integer>} is slow here: {@code Long.hashCode}
 * is {@code left ^ right}, which collides for all the small ids of a vocabulary.
 */
final class PairRanks {
    private static final long EMPTY = -1L; // no pair of non-negative ids packs to -1
    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    PairRanks(int expectedPairs) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedPairs) * 2 - 1) << 1; // power of two, load <= 1/2
        keys = new long[capacity];
        ranks = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    /** Stores the rank unless the pair already has one (the first merge line wins, as in llama.cpp). */
    void putIfAbsent(int left, int right, int rank) {
        long key = pack(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) return;
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ranks[slot] = rank;
    }

    /** The pair's rank, or -1 if the pair never merges. */
    int rank(int left, int right) {
        long key = pack(left, right);
        for (int slot = slot(key); keys[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == key) return ranks[slot];
        }
        return -1;
    }

    private static long pack(int left, int right) {
        return (long) left << 32 | (right & 0xFFFF_FFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing: the high bits mix both ids
        return (int) (h >>> 32) & mask;
    }
}
