package dev.shears.pruning.text;

/** Character classes shared by the splitter parts, so that all of them agree on what whitespace is. */
final class Chars {

    private Chars() {
    }

    /** Java whitespace plus Unicode space separators such as NO-BREAK SPACE. */
    static boolean isWhitespace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C'
                || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    /** First index {@code >= from} that is not whitespace, or {@code to} if there is none before it. */
    static int skipWhitespace(CharSequence text, int from, int to) {
        int i = from;
        while (i < to && isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Smallest index {@code >= from} such that {@code [index, to)} is whitespace only. */
    static int trimTrailingWhitespace(CharSequence text, int from, int to) {
        int i = to;
        while (i > from && isWhitespace(text.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** True if a cut at {@code index} would separate the two halves of a surrogate pair. */
    static boolean splitsSurrogatePair(CharSequence text, int index) {
        return index > 0 && index < text.length()
                && Character.isHighSurrogate(text.charAt(index - 1))
                && Character.isLowSurrogate(text.charAt(index));
    }
}
