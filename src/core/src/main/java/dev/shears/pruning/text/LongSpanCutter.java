package dev.shears.pruning.text;

import java.util.List;

/**
 * Cuts a piece of content that is longer than the limit into pieces that fit. Each cut prefers, within the
 * last {@code maxChars} characters allowed: the last line break, else the last {@code . ? ! ; :} followed by
 * whitespace, else the last whitespace, else a hard cut at the limit that never separates a surrogate pair.
 *
 * <p>Each search looks back at most {@code maxChars} characters and the preferences make consecutive cuts
 * move forward, so a long text is cut in time roughly linear in its length.
 */
final class LongSpanCutter {

    private static final String CLAUSE_ENDS = ".?!;:";

    private final int maxChars;

    LongSpanCutter(int maxChars) {
        if (maxChars < 2) {
            throw new IllegalArgumentException("maxChars must be at least 2 but was " + maxChars);
        }
        this.maxChars = maxChars;
    }

    /**
     * Adds to {@code starts}, in increasing order, the start of every further piece of {@code [from, contentEnd)},
     * where {@code from} is a non-whitespace character. Each added start is a non-whitespace character.
     */
    void addCuts(CharSequence text, int from, int contentEnd, List<Integer> starts) {
        int pieceStart = from;
        while (contentEnd - pieceStart > maxChars) {
            int cut = chooseCut(text, pieceStart);
            pieceStart = Chars.skipWhitespace(text, cut, contentEnd);
            if (pieceStart >= contentEnd) {
                return;
            }
            starts.add(pieceStart);
        }
    }

    /** Returns a cut in {@code (pieceStart, pieceStart + maxChars]}; the piece's content is {@code [pieceStart, cut)}. */
    private int chooseCut(CharSequence text, int pieceStart) {
        int limit = pieceStart + maxChars;
        for (int i = limit - 1; i > pieceStart; i--) {
            if (Chars.isLineBreak(text.charAt(i))) {
                return i;
            }
        }
        for (int i = limit - 1; i > pieceStart; i--) {
            if (CLAUSE_ENDS.indexOf(text.charAt(i)) >= 0 && i + 1 < text.length()
                    && Chars.isWhitespace(text.charAt(i + 1))) {
                return i + 1;
            }
        }
        for (int i = limit; i > pieceStart; i--) {
            if (Chars.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return Chars.splitsSurrogatePair(text, limit) ? limit - 1 : limit;
    }
}
