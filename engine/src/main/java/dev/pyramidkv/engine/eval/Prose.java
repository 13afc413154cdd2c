package dev.pyramidkv.engine.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The haystack: varied, plain English prose about a country town, generated sentence by sentence from a
 * small grammar and a seed (nothing to download, no sentence repeated on purpose). It holds no digits and
 * none of the words the needles use ("magic", "pass key", "VAR"), so a needle is the only place its answer
 * appears.
 */
public final class Prose {
    private Prose() {}

    private static final String[] PEOPLE = {
            "the old miller", "a young teacher", "the harbor master", "my neighbor", "the traveling merchant",
            "the baker's daughter", "a tired shepherd", "the village doctor", "an elderly fisherman", "the blacksmith",
            "a quiet student", "the innkeeper", "her grandfather", "the new priest", "a wandering poet",
            "the mayor's clerk", "two small boys", "the weaver", "a retired sailor", "the gardener",
            "the schoolmaster", "an honest carpenter", "the postman", "a curious girl", "the ferryman",
            "the widow next door", "a stranger from the north", "the potter", "the young farmer", "my aunt"};
    private static final String[] ACTIONS = {
            "repaired the fence", "walked along the river", "counted the sheep", "painted the old gate",
            "carried water from the well", "sang a song about the sea", "mended a torn sail", "baked bread for the fair",
            "read a letter twice", "planted beans in neat rows", "swept the dusty floor", "fed the hungry geese",
            "watched the clouds drift by", "climbed the hill behind the church", "sold apples at the market",
            "lit a lantern", "fixed the broken wheel", "chopped wood for the winter", "wrote a long story",
            "gathered mushrooms", "polished the copper pots", "told stories by the fire", "waited for the coach",
            "cleaned the chimney", "picked berries along the lane", "tied the boat to the pier",
            "brought soup to a sick friend", "practiced the violin", "stacked hay in the barn", "hung wet linen to dry"};
    private static final String[] PLACES = {
            "near the mill", "in the valley", "behind the chapel", "by the stone bridge", "at the edge of the forest",
            "on the village green", "beside the pond", "down by the harbor", "in the orchard", "under the old elm",
            "at the crossroads", "in the market square", "along the canal", "on the windy ridge", "by the ruined tower"};
    private static final String[] TIMES = {
            "In the morning", "After the harvest", "During the long winter", "Before dawn", "Late in the evening",
            "On a rainy afternoon", "At the end of summer", "When the bells rang", "Early in spring",
            "Some years ago", "On market day", "After supper", "Once the snow had melted", "At noon"};
    private static final String[] THINGS = {
            "road", "river", "garden", "meadow", "kitchen", "bridge", "forest", "harbor", "chapel", "orchard",
            "market", "valley", "library", "barn", "lane", "square", "cottage", "field", "pond", "tower"};
    private static final String[] QUALITIES = {
            "quiet", "cold", "narrow", "muddy", "bright", "crowded", "peaceful", "dusty", "green", "damp",
            "warm", "empty", "noisy", "golden", "grey", "wide", "steep", "calm", "old", "lovely"};
    private static final String[] FEELINGS = {
            "pleased", "worried", "surprised", "tired", "hopeful", "restless", "content", "puzzled", "proud", "calm"};
    private static final String[] WEATHER = {
            "the wind came from the west", "a light rain began to fall", "the sky cleared slowly",
            "fog rolled in from the sea", "the sun warmed the stones", "the air smelled of smoke and pine",
            "thunder rumbled far away", "a thin frost covered the fields", "the evening was still and mild",
            "snow drifted against the doors"};
    private static final String[] TEMPLATES = {
            "{T}, {p} {a} {l}.",
            "{P} {a} while {p} {a}.",
            "The {t} {l} was {q} and {q}.",
            "Nobody knew why {p} {a} {l}.",
            "{P} said that the {t} had always been {q}.",
            "It was a {q} day, and {w}.",
            "Later, {p} {a}, then went home {f}.",
            "{T}, {w}, and {p} {a}.",
            "People said the {t} was too {q} for visitors, but {p} disagreed.",
            "{P} felt {f} and {a} {l}.",
            "The {t} looked {q} that year, and {p} often {a}.",
            "When {w}, {p} {a} {l}.",
            "{P} remembered the {q} {t} from childhood.",
            "No one hurried; {p} {a}, and {p} {a}.",
            "Everyone agreed that {p} was {f} after the {t} was repaired.",
            "{T}, the {t} {l} seemed more {q} than usual."};

    /** Every lowercase word the grammar can produce (needle values and keys avoid them). */
    static Set<String> words() {
        Set<String> words = new HashSet<>();
        for (String[] list : new String[][]{PEOPLE, ACTIONS, PLACES, TIMES, THINGS, QUALITIES, FEELINGS, WEATHER, TEMPLATES}) {
            for (String phrase : list) {
                for (String w : phrase.toLowerCase(Locale.ROOT).split("[^a-z]+")) if (!w.isEmpty()) words.add(w);
            }
        }
        return words;
    }

    /** {@code count} sentences; the same seed gives the same text, and a longer run extends a shorter one. */
    public static List<String> sentences(long seed, int count) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        String previous = "";
        while (out.size() < count) {
            String s = sentence(rnd);
            if (s.equals(previous)) continue;   // no sentence twice in a row
            out.add(s);
            previous = s;
        }
        return out;
    }

    private static String sentence(SplittableRandom rnd) {
        String template = pick(rnd, TEMPLATES);
        StringBuilder sb = new StringBuilder(96);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '{') {
                sb.append(c);
                continue;
            }
            char slot = template.charAt(i + 1);
            i += 2; // skip "x}"
            switch (slot) {
                case 'p' -> sb.append(pick(rnd, PEOPLE));
                case 'P' -> sb.append(capitalize(pick(rnd, PEOPLE)));
                case 'a' -> sb.append(pick(rnd, ACTIONS));
                case 'l' -> sb.append(pick(rnd, PLACES));
                case 'T' -> sb.append(pick(rnd, TIMES));
                case 't' -> sb.append(pick(rnd, THINGS));
                case 'q' -> sb.append(pick(rnd, QUALITIES));
                case 'f' -> sb.append(pick(rnd, FEELINGS));
                case 'w' -> sb.append(pick(rnd, WEATHER));
                default -> throw new IllegalStateException("unknown slot {" + slot + "} in " + template);
            }
        }
        return sb.toString();
    }

    private static String pick(SplittableRandom rnd, String[] options) {
        return options[rnd.nextInt(options.length)];
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
