package dev.shears.search;

import dev.shears.lm.LanguageModel;
import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt split into the target model's tokens (character spans into {@link #text}), with the tabu tokens that
 * a deletion must never touch: every token overlapping a placeholder such as {@code {input}} or {@code {mask_token}}.
 * A candidate is a {@link Mask} over these tokens; its text is the kept spans concatenated (pitfall 4 of the
 * notes: store the mask and the text, as re-tokenising the text may give other tokens).
 */
public record PromptTokens(String text, int[] starts, int[] ends, boolean[] tabu) {

    /** Placeholders kept intact: {@code {name}} with a word name. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*\\}");

    public PromptTokens {
        if (starts.length != ends.length || starts.length != tabu.length) {
            throw new IllegalArgumentException("spans and tabu flags differ in length");
        }
    }

    /** Tokenizes {@code text} with {@code model} and marks the tokens overlapping placeholders as tabu. */
    public static PromptTokens of(String text, LanguageModel model) {
        return of(text, model.tokenize(text));
    }

    public static PromptTokens of(String text, List<TokenLogProb> tokens) {
        int n = tokens.size();
        int[] s = new int[n];
        int[] e = new int[n];
        boolean[] t = new boolean[n];
        List<int[]> holders = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            holders.add(new int[] {m.start(), m.end()});
        }
        for (int i = 0; i < n; i++) {
            s[i] = tokens.get(i).start();
            e[i] = tokens.get(i).end();
            for (int[] h : holders) {
                if (s[i] < h[1] && e[i] > h[0] || (s[i] == e[i] && s[i] > h[0] && s[i] < h[1])) {
                    t[i] = true;
                }
            }
        }
        return new PromptTokens(text, s, e, t);
    }

    public int size() {
        return starts.length;
    }

    /** The candidate text of {@code mask}: the kept tokens' spans, in order. */
    public String render(Mask mask) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < size(); i++) {
            if (mask.kept(i)) {
                sb.append(text, starts[i], ends[i]);
            }
        }
        return sb.toString();
    }

    /** Number of tokens a mutation may still delete from {@code mask}. */
    public int prunable(Mask mask) {
        int c = 0;
        for (int i = 0; i < size(); i++) {
            if (mask.kept(i) && !tabu[i]) {
                c++;
            }
        }
        return c;
    }
}
