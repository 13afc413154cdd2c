package dev.pyramidkv.engine.cli;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.*;

/** The statistics bench reports: median and range of runs, nearest-rank percentiles of step times. */
class SpreadTest {
    @Test
    void medianAndRangeWhateverTheOrder() {
        assertEquals(new Spread(2, 1, 3), Spread.of(new double[]{3, 1, 2}));
        assertEquals(new Spread(2.5, 1, 40), Spread.of(new double[]{40, 1, 3, 2}), "an even count averages the middle two");
        assertEquals(new Spread(7, 7, 7), Spread.of(new double[]{7}));
        assertThrows(IllegalArgumentException.class, () -> Spread.of(new double[0]));
    }

    @Test
    void nearestRankPercentiles() {
        long[] hundred = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray();   // 100 down to 1
        assertEquals(50, Spread.percentile(hundred, 50));
        assertEquals(99, Spread.percentile(hundred, 99));
        assertEquals(100, Spread.percentile(hundred, 100));
        long[] few = {5, 1, 9, 3};
        assertEquals(3, Spread.percentile(few, 50));
        assertEquals(9, Spread.percentile(few, 99), "with few steps the 99th percentile is the slowest one");
        assertEquals(1, Spread.percentile(few, 1));
    }
}
