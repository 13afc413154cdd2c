package dev.pyramidkv.engine.tokenizer;

import java.util.Arrays;

/** A growable int array: the token ids an encoding produces. */
final class TokenList {
    private int[] ids;
    private int size;

    TokenList(int capacity) {
        ids = new int[Math.max(capacity, 8)];
    }

    void add(int id) {
        if (size == ids.length) ids = Arrays.copyOf(ids, ids.length * 2);
        ids[size++] = id;
    }

    int size() { return size; }

    int[] toArray() { return Arrays.copyOf(ids, size); }
}
