package dev.pyramidkv.engine.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class WilsonTest {
    @Test
    void matchesPublishedIntervals() {
        // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553..0.3662; 15/148 -> 0.0624..0.1605
        Wilson a = Wilson.of(81.0 / 263, 263);
        assertEquals(0.2553, a.low(), 5e-5);
        assertEquals(0.3662, a.high(), 5e-5);
        Wilson b = Wilson.of(15.0 / 148, 148);
        assertEquals(0.0624, b.low(), 5e-5);
        assertEquals(0.1605, b.high(), 5e-5);
    }

    @Test
    void staysInsideZeroToOneAtTheEdges() {
        Wilson none = Wilson.of(0, 5), all = Wilson.of(1, 5);
        assertEquals(0, none.low());
        assertEquals(0.4345, none.high(), 5e-5);   // 0 of 5 still leaves up to 43% plausible
        assertEquals(1 - none.high(), all.low(), 1e-12);
        assertEquals(1, all.high(), 1e-12);
        assertTrue(Double.isNaN(Wilson.of(0.5, 0).low()));
    }
}
