package dev.pyramidkv.cache;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a full KV head made room during decode (scoring, selection and compaction). */
@Name("dev.pyramidkv.cache.DecodeEviction")
@Label("KV Decode Eviction")
@Category({"PyramidKV", "KV cache"})
@Description("A full KV head evicted entries during decode to make room for a new token")
public final class DecodeEvictionEvent extends Event {
    @Label("Layer") public int layer;
    @Label("KV Head") public int kvHead;
    @Label("Entries Evicted") public int entriesEvicted;
    @Label("Entries Kept") public int entriesKept;
    @Label("Bytes Freed") @DataAmount public long bytesFreed;
}
