package dev.pyramidkv.cache;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: one stable in-place compaction of one KV head's run. */
@Name("dev.pyramidkv.cache.Compaction")
@Label("KV Compaction")
@Category({"PyramidKV", "KV cache"})
@Description("Stable in-place move of kept entries to the front of one KV head's run")
public final class CompactionEvent extends Event {
    @Label("Layer") public int layer;
    @Label("KV Head") public int kvHead;
    @Label("Entries Before") public int entriesBefore;
    @Label("Entries Kept") public int entriesKept;
    @Label("Bytes Moved") @DataAmount public long bytesMoved;
}
