package dev.pyramidkv.cache;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: one layer's prefill compressed into its region (scoring, selection and copy). */
@Name("dev.pyramidkv.cache.PrefillCompression")
@Label("KV Prefill Compression")
@Category({"PyramidKV", "KV cache"})
@Description("Scoring and selection of one layer's prompt tokens, and their copy into the layer's region")
public final class PrefillCompressionEvent extends Event {
    @Label("Layer") public int layer;
    @Label("Policy") public String policy;
    @Label("Prompt Tokens") public int promptTokens;
    @Label("Entries Kept") @Description("Kept entries summed over KV heads") public int entriesKept;
    @Label("Entries Dropped") @Description("Dropped entries summed over KV heads") public int entriesDropped;
    @Label("Bytes Kept") @DataAmount public long bytesKept;
}
