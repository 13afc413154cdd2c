package dev.pyramidkv.engine.eval;

import dev.pyramidkv.engine.chat.ChatTemplate;
import dev.pyramidkv.engine.chat.Message;
import dev.pyramidkv.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Generates the prompts of the synthetic tasks for one model: the user message (instructions, haystack with
 * needles, question) goes through the model's chat template, then the answer prefix is appended (as RULER
 * does), and the haystack is grown to the longest that keeps the whole prompt within the context length.
 * <p>
 * Deterministic: the same spec and seed give the same prompt. The needles' contents depend only on (seed,
 * task, sample) and the haystack only on (seed, sample), so across context lengths and depths of one sample
 * only the needle's position and the amount of prose change — as in the paper's needle figures.
 */
public final class PromptGenerator {
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final List<String> valueWords;   // bundled words that never occur in the prose

    public PromptGenerator(Tokenizer tokenizer, ChatTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
        Set<String> prose = Prose.words();
        List<String> words = new ArrayList<>();
        for (String w : WordList.WORDS) if (!prose.contains(w)) words.add(w);
        this.valueWords = List.copyOf(words);
    }

    /** A needle sentence and where it goes: a fraction of the haystack's tokens before it, in [0, 1]. */
    private record Needle(String sentence, double at) {}

    /** Everything about a task except the haystack. */
    private record Content(String instruction, List<Needle> needles, String question, String answerPrefix, List<String> expected) {}

    public EvalPrompt generate(PromptSpec spec, long seed) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, spec.task().cliName().hashCode(), spec.sample()));
        if (spec.task() == TaskKind.COMMON_WORDS) return commonWords(spec, seed, rnd);
        double depth = spec.depth() / 100.0;
        Content c = switch (spec.task()) {
            case PASSKEY -> passkey(rnd, depth);
            case NIAH_NUMBER -> single(rnd, depth, "number", number(rnd, 7));
            case NIAH_WORD -> single(rnd, depth, "word", word(rnd));
            case NIAH_UUID -> single(rnd, depth, "uuid", uuid(rnd));
            case NIAH_MULTIKEY -> multikey(rnd, depth);
            case NIAH_MULTIVALUE -> multivalue(rnd);
            case VARIABLE_TRACKING -> variableTracking(rnd);
            case COMMON_WORDS -> throw new AssertionError("handled above");
        };
        HaystackPool pool = new HaystackPool(mix(seed, 0x4a59L, spec.sample()));
        return fit(spec, seed, c, k -> pool.layout(k, c.needles()));
    }

    private Content passkey(SplittableRandom rnd, double depth) {
        String key = number(rnd, 5);
        return new Content(
                "There is an important piece of information hidden inside a lot of irrelevant text. Find it and memorize it. I will quiz you about the important information there.",
                List.of(new Needle("The pass key is " + key + ". Remember it. " + key + " is the pass key.", depth)),
                "What is the pass key?", "The pass key is", List.of(key));
    }

    private Content single(SplittableRandom rnd, double depth, String type, String value) {
        String key = key(rnd, new HashSet<>());
        return new Content(instruction(type), List.of(new Needle(needle(type, key, value), depth)),
                "What is the special magic " + type + " for " + key + " mentioned in the provided text?",
                "The special magic " + type + " for " + key + " mentioned in the provided text is", List.of(value));
    }

    /** Four needles with different keys; the first is queried and sits at the depth, the others anywhere. */
    private Content multikey(SplittableRandom rnd, double depth) {
        Set<String> used = new HashSet<>();
        List<Needle> needles = new ArrayList<>();
        String queried = null, answer = null;
        for (int i = 0; i < 4; i++) {
            String key = key(rnd, used);
            String value = number(rnd, 7);
            if (i == 0) {
                queried = key;
                answer = value;
            }
            needles.add(new Needle(needle("number", key, value), i == 0 ? depth : rnd.nextDouble()));
        }
        return new Content(instruction("number"), needles,
                "What is the special magic number for " + queried + " mentioned in the provided text?",
                "The special magic number for " + queried + " mentioned in the provided text is", List.of(answer));
    }

    private Content multivalue(SplittableRandom rnd) {
        String key = key(rnd, new HashSet<>());
        List<Needle> needles = new ArrayList<>();
        List<String> values = new ArrayList<>();
        while (values.size() < 4) {
            String v = number(rnd, 7);
            if (values.contains(v)) continue;
            values.add(v);
            needles.add(new Needle(needle("number", key, v), rnd.nextDouble()));
        }
        return new Content(instruction("number"), needles,
                "What are all the special magic numbers for " + key + " mentioned in the provided text?",
                "The special magic numbers for " + key + " mentioned in the provided text are", values);
    }

    /** VAR A = 12345. VAR B = VAR A. ... in text order at random depths; every name holds the value. */
    private Content variableTracking(SplittableRandom rnd) {
        String value = number(rnd, 5);
        List<String> names = new ArrayList<>();
        while (names.size() < 5) {
            StringBuilder n = new StringBuilder(5);
            for (int i = 0; i < 5; i++) n.append((char) ('A' + rnd.nextInt(26)));
            if (!names.contains(n.toString())) names.add(n.toString());
        }
        double[] at = new double[names.size()];
        for (int i = 0; i < at.length; i++) at[i] = rnd.nextDouble();
        Arrays.sort(at);
        List<Needle> needles = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String rhs = i == 0 ? value : "VAR " + names.get(i - 1);
            needles.add(new Needle("VAR " + names.get(i) + " = " + rhs + ".", at[i]));
        }
        return new Content("Memorize and track the chain(s) of variable assignment hidden in the following text.", needles,
                "Question: Find all variables that are assigned the value " + value + " in the text above.",
                "Answer: According to the chain(s) of variable assignment in the text above, " + names.size()
                        + " variables are assigned the value " + value + ", they are:", names);
    }

    /**
     * A numbered list ("1. lantern 2. walnut ...") of k entries: three common words, each about a tenth of
     * the list, and the rest other words, each appearing fewer times than any common one.
     */
    private EvalPrompt commonWords(PromptSpec spec, long seed, SplittableRandom rnd) {
        List<String> shuffled = new ArrayList<>(valueWords);
        Collections.shuffle(shuffled, new Random(rnd.nextLong()));
        List<String> common = shuffled.subList(0, 3);
        List<String> others = shuffled.subList(3, shuffled.size());
        long listSeed = rnd.nextLong();
        Content c = new Content(
                "Below is a numbered list of words. In these words, some appear more often than others. Memorize the ones that appear most often.",
                List.of(), "Question: What are the 3 most common words in the above list?",
                "Answer: The top 3 words that appear most often in the list are:", common);
        return fit(spec, seed, c, k -> {
            int each = Math.max(3, (k + 9) / 10);
            int rest = Math.max(0, k - 3 * each);
            int repeats = (rest + others.size() - 1) / others.size();
            if (rest > 0 && repeats >= each) {
                throw new IllegalArgumentException("contextLength=" + spec.contextLength() + ": too long for cwe with the "
                        + valueWords.size() + " bundled words (other words would repeat as often as the common ones)");
            }
            List<String> entries = new ArrayList<>(k);
            for (String w : common) for (int i = 0; i < each; i++) entries.add(w);
            for (int i = 0; i < rest; i++) entries.add(others.get(i % others.size()));
            Collections.shuffle(entries, new Random(listSeed ^ k));
            StringBuilder sb = new StringBuilder(k * 12);
            for (int i = 0; i < entries.size(); i++) sb.append(i == 0 ? "" : " ").append(i + 1).append(". ").append(entries.get(i));
            return new Haystack(sb.toString(), List.of());
        });
    }

    /** A haystack's text and the needle sentences in it, in text order. */
    private record Haystack(String text, List<String> needles) {}

    /**
     * The largest haystack (in units: sentences or list entries) whose whole prompt fits the context length,
     * by binary search over the unit count (the prompt's token count grows with it).
     */
    private EvalPrompt fit(PromptSpec spec, long seed, Content c, IntFunction<Haystack> haystack) {
        int target = spec.contextLength();
        EvalPrompt best = render(spec, seed, c, haystack.apply(0));
        if (best.tokens().length > target) {
            throw new IllegalArgumentException("contextLength=" + target + ": too short for task " + spec.task().cliName()
                    + "; its instructions, needles and question alone take " + best.tokens().length + " tokens");
        }
        int lo = 0, hi = 1;   // lo fits; grow hi until it does not
        while (true) {
            EvalPrompt p = render(spec, seed, c, haystack.apply(hi));
            if (p.tokens().length > target) break;
            lo = hi;
            best = p;
            hi *= 2;
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            EvalPrompt p = render(spec, seed, c, haystack.apply(mid));
            if (p.tokens().length <= target) {
                lo = mid;
                best = p;
            } else {
                hi = mid;
            }
        }
        return best;
    }

    private EvalPrompt render(PromptSpec spec, long seed, Content c, Haystack h) {
        String user = c.instruction() + "\n\n" + h.text() + "\n\n" + c.question();
        String text = template.render(List.of(Message.user(user)), true) + c.answerPrefix();
        boolean bos = tokenizer.addsBos() && tokenizer.bos() >= 0 && !text.startsWith(tokenizer.piece(tokenizer.bos()));
        int[] tokens = tokenizer.encode(text, bos, true);
        int start = text.indexOf(c.instruction() + "\n\n") + c.instruction().length() + 2;
        return new EvalPrompt(spec, seed, text, tokens, c.expected(), h.needles(), start, start + h.text().length());
    }

    /** Prose sentences for one seed, their token counts, and needles placed by token fraction. */
    private final class HaystackPool {
        private final long seed;
        private List<String> sentences = List.of();
        private int[] tokens = new int[0];

        HaystackPool(long seed) { this.seed = seed; }

        Haystack layout(int k, List<Needle> needles) {
            ensure(k);
            long[] cum = new long[k + 1];   // cum[i] = tokens of sentences [0, i)
            for (int i = 0; i < k; i++) cum[i + 1] = cum[i] + tokens[i];
            // needles by boundary: boundary i = before sentence i (k = after the last)
            List<List<String>> at = new ArrayList<>(k + 1);
            for (int i = 0; i <= k; i++) at.add(new ArrayList<>());
            for (Needle n : needles) at.get(boundary(cum, n.at())).add(n.sentence());
            StringBuilder sb = new StringBuilder();
            List<String> order = new ArrayList<>();
            for (int i = 0; i <= k; i++) {
                for (String s : at.get(i)) {
                    sb.append(sb.isEmpty() ? "" : " ").append(s);
                    order.add(s);
                }
                if (i < k) sb.append(sb.isEmpty() ? "" : " ").append(sentences.get(i));
            }
            return new Haystack(sb.toString(), order);
        }

        /** The boundary whose token count before it is closest to {@code fraction} of all. */
        private static int boundary(long[] cum, double fraction) {
            double want = fraction * cum[cum.length - 1];
            int best = 0;
            for (int i = 1; i < cum.length; i++) if (Math.abs(cum[i] - want) < Math.abs(cum[best] - want)) best = i;
            return best;
        }

        private void ensure(int k) {
            if (k <= sentences.size()) return;
            int n = Math.max(k, 2 * sentences.size());
            List<String> more = Prose.sentences(seed, n);   // a longer run extends the shorter one
            int[] t = Arrays.copyOf(tokens, n);
            for (int i = sentences.size(); i < n; i++) t[i] = tokenizer.encode(" " + more.get(i), false, false).length;
            sentences = more;
            tokens = t;
        }
    }

    private static String instruction(String type) {
        return "Some special magic " + type + "s are hidden within the following text. Make sure to memorize it. I will quiz you about the "
                + type + "s afterwards.";
    }

    private static String needle(String type, String key, String value) {
        return "One of the special magic " + type + "s for " + key + " is: " + value + ".";
    }

    private String word(SplittableRandom rnd) {
        return valueWords.get(rnd.nextInt(valueWords.size()));
    }

    /** Two different words joined by a hyphen, not yet in {@code used}; adds it there. */
    private String key(SplittableRandom rnd, Set<String> used) {
        while (true) {
            String a = word(rnd), b = word(rnd);
            String k = a + "-" + b;
            if (!a.equals(b) && used.add(k)) return k;
        }
    }

    private static String number(SplittableRandom rnd, int digits) {
        int low = (int) Math.pow(10, digits - 1);
        return Integer.toString(low + rnd.nextInt(9 * low));
    }

    private static String uuid(SplittableRandom rnd) {
        String hex = String.format(Locale.ROOT, "%016x%016x", rnd.nextLong(), rnd.nextLong());
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** A 64-bit mix of the parts (SplitMix64 finalizer), so nearby seeds give unrelated streams. */
    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h ^= p;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        return h;
    }
}
