package dev.pyramidkv.engine.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scoring rules on hand-made answers. */
class ScoringTest {
    static final List<String> KEY = List.of("52885");

    @Test
    void exactMatchTakesTheFirstSentenceWithoutEndMarkOrQuotes() {
        assertEquals(1, Scoring.EXACT.score(" 52885.", KEY));
        assertEquals(1, Scoring.EXACT.score(" 52885. Remember it. 52885 is the pass key.", KEY));
        assertEquals(1, Scoring.EXACT.score("52885", KEY));
        assertEquals(1, Scoring.EXACT.score(" \"52885.\"", KEY));
        assertEquals(1, Scoring.EXACT.score(" 52885\nThe pass key is 1.", KEY));
        assertEquals(0, Scoring.EXACT.score(" 52885 is the pass key.", KEY));
        assertEquals(0, Scoring.EXACT.score(" 5288.", KEY));
        assertEquals(0, Scoring.EXACT.score(" 528850.", KEY));
        assertEquals(0, Scoring.EXACT.score("", KEY));
        assertEquals(1, Scoring.EXACT.score(" Barrel!", List.of("barrel")), "case does not matter");
    }

    @Test
    void containsCountsWholeWordsAndGivesPartialCredit() {
        List<String> values = List.of("5641058", "8973679", "1671658", "1889575");
        assertEquals(1, Scoring.CONTAINS.score(":\n\n* 8973679\n* 5641058\n* 1889575\n* 1671658\n* 167", values));
        assertEquals(0.5, Scoring.CONTAINS.score(" 5641058 and 1889575.", values));
        assertEquals(0, Scoring.CONTAINS.score(" 56410580, 8973679123", values), "a longer number does not contain the answer");
        assertEquals(1, Scoring.CONTAINS.score(": 3acb8d96-1b1f-5007-123f-9cb568f46731.", List.of("3acb8d96-1b1f-5007-123f-9cb568f46731")));
        assertEquals(1, Scoring.CONTAINS.score("They are: grztd, GTKRW.", List.of("GRZTD", "gtkrw")));
        assertEquals(0, Scoring.CONTAINS.score("barrels", List.of("barrel")));
    }

    @Test
    void decidedStopsOnlyWhenMoreTextCannotChangeTheScore() {
        assertFalse(Scoring.CONTAINS.decided(" 684", List.of("6840668")));
        assertFalse(Scoring.CONTAINS.decided(" 6840668", List.of("6840668")), "the next token could make it 68406680");
        assertTrue(Scoring.CONTAINS.decided(" 6840668.", List.of("6840668")));
        assertFalse(Scoring.CONTAINS.decided(" 6840668, 123", List.of("6840668", "1234567")));

        assertFalse(Scoring.EXACT.decided(" 528", KEY));
        assertFalse(Scoring.EXACT.decided(" 52885.", KEY), "the sentence may go on (52885.5)");
        assertTrue(Scoring.EXACT.decided(" 52885. ", KEY));
        assertTrue(Scoring.EXACT.decided(" 12", KEY), "a wrong first digit decides a failure");
        assertTrue(Scoring.EXACT.decided(" 52885\n", KEY));
        // a decided answer scores the same whatever follows
        for (String partial : List.of(" 52885. ", " 12", " 52885\n")) {
            double now = Scoring.EXACT.score(partial, KEY);
            assertEquals(now, Scoring.EXACT.score(partial + "71 more text. 52885", KEY), partial);
        }
    }

    @Test
    void badExpectationsAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> Scoring.EXACT.score("a", List.of()));
        assertThrows(IllegalArgumentException.class, () -> Scoring.EXACT.score("a", List.of("a", "b")));
        assertEquals(Scoring.CONTAINS, Scoring.parse("contains"));
        assertThrows(IllegalArgumentException.class, () -> Scoring.parse("fuzzy"));
    }
}
