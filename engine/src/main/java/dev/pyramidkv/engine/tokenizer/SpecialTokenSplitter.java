package dev.pyramidkv.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts special-token texts out of the input before the text itself is tokenized (llama.cpp's
 * {@code tokenizer_st_partition}). Special tokens are tried longest first; each one splits every remaining
 * piece of text at all its occurrences. User-defined tokens are always cut out; control and unknown
 * tokens only when parsing special tokens.
 */
final class SpecialTokenSplitter {

    /** A piece of the input: either text {@code [start, end)} or one token (then {@code token >= 0}). */
    record Fragment(int start, int end, int token) {
        static Fragment text(int start, int end) { return new Fragment(start, end, -1); }
        static Fragment token(int id) { return new Fragment(0, 0, id); }
        boolean isToken() { return token >= 0; }
    }

    private final Vocabulary vocabulary;

    SpecialTokenSplitter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(Fragment.text(0, text.length()));
        for (int id : vocabulary.specialTokensLongestFirst) {
            if (!parseSpecial && vocabulary.types[id] != TokenType.USER_DEFINED) continue;
            String special = vocabulary.texts[id];
            if (text.indexOf(special) < 0) continue;
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment fragment : fragments) {
                if (fragment.isToken()) {
                    next.add(fragment);
                    continue;
                }
                int from = fragment.start();
                int match;
                while ((match = text.indexOf(special, from, fragment.end())) >= 0) {
                    if (match > from) next.add(Fragment.text(from, match));
                    next.add(Fragment.token(id));
                    from = match + special.length();
                }
                if (from < fragment.end()) next.add(Fragment.text(from, fragment.end()));
            }
            fragments = next;
        }
        return fragments;
    }
}
