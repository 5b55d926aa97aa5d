package dev.shears.pruning.text;

import java.util.HashSet;
import java.util.Set;

/**
 * Spans that carry no information whatever the query, which the encoder still scores a little above zero
 * (500 dots, "A. A. A.", fifty lines of {@code x = 1} in a code fence all score about 0.025 with the default
 * model). Pruning drops them regardless of score:
 * <ul>
 *   <li>no word: not one run of two or more letters or digits (dots, dashes, lone letters and digits);
 *   <li>one word over and over: at least {@value #MIN_WORDS_FOR_REPETITION} words of which fewer than one in
 *       {@value #WORDS_PER_DISTINCT} is distinct ("spam spam spam ...", the same line pasted fifty times).
 * </ul>
 * A code block is judged by its body, without its fence lines, so that {@code ```python} is not a word of it.
 */
public final class Junk {

    static final int MIN_WORDS_FOR_REPETITION = 12;
    static final int WORDS_PER_DISTINCT = 8;

    private Junk() {}

    public static boolean isJunk(String content, SpanKind kind) {
        String body = kind == SpanKind.CODE_BLOCK ? withoutFences(content) : content;
        Set<String> distinct = new HashSet<>();
        int words = 0;
        boolean anyWord = false;
        int i = 0;
        while (i < body.length()) {
            int cp = body.codePointAt(i);
            if (!Character.isLetterOrDigit(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            int length = 0;
            while (i < body.length() && Character.isLetterOrDigit(body.codePointAt(i))) {
                i += Character.charCount(body.codePointAt(i));
                length++;
            }
            anyWord |= length >= 2;
            words++;
            distinct.add(body.substring(start, i).toLowerCase(java.util.Locale.ROOT));
        }
        if (!anyWord) {
            return true;
        }
        return words >= MIN_WORDS_FOR_REPETITION && distinct.size() * WORDS_PER_DISTINCT < words;
    }

    private static String withoutFences(String block) {
        String[] lines = block.split("\\R", -1);
        int first = 0;
        int last = lines.length;
        if (last > 0 && isFence(lines[0])) {
            first = 1;
        }
        if (last > first && isFence(lines[last - 1])) {
            last--;
        }
        return String.join("\n", java.util.Arrays.asList(lines).subList(first, last));
    }

    private static boolean isFence(String line) {
        String s = line.strip();
        return s.startsWith("```") || s.startsWith("~~~");
    }
}
