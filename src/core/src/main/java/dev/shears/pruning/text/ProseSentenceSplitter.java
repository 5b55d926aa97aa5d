package dev.shears.pruning.text;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds sentence starts inside one paragraph with ICU's sentence {@link BreakIterator}, then vetoes the breaks
 * that ICU gets wrong for RAG-style text.
 *
 * <p>Instances are immutable and thread-safe; the stateful ICU iterator is created per call via
 * {@link #newIterator()} and must not be shared between threads.
 */
final class ProseSentenceSplitter {

    /** {@code ss=standard} makes ICU suppress breaks after its built-in list of English abbreviations. */
    private static final ULocale LOCALE = new ULocale("en@ss=standard");

    /**
     * Abbreviations after which a break is vetoed even before a capital letter. Words that often end a
     * sentence ("etc.") are left out on purpose. Tokens made of single letters and dots ("U.S.", "e.g.",
     * "J.") are handled by {@link #isLettersAndDots}.
     */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "jr.", "st.", "mt.", "no.", "nos.", "fig.", "figs.",
            "vs.", "inc.", "ltd.", "co.", "corp.", "dept.", "approx.", "ca.", "cf.", "vol.", "ch.", "sec.",
            "eq.", "ref.", "pp.", "gen.", "col.", "capt.", "lt.", "sgt.", "rev.", "hon.", "gov.", "sen.",
            "rep.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.",
            "dec.", "mon.", "tue.", "wed.", "thu.", "fri.", "sat.", "sun.");

    private static final String FULL_WIDTH_TERMINATORS = "。！？．｡";

    private final BreakIterator prototype = BreakIterator.getSentenceInstance(LOCALE);

    /** A fresh iterator for one thread's use. */
    BreakIterator newIterator() {
        synchronized (prototype) {
            return (BreakIterator) prototype.clone();
        }
    }

    /**
     * Adds to {@code starts}, in increasing order, the offsets in {@code (from, to)} where a new sentence begins.
     * Every added offset points at a non-whitespace character.
     */
    void addSentenceStarts(String text, int from, int to, BreakIterator iterator, List<Integer> starts) {
        List<Integer> found = new ArrayList<>();
        iterator.setText(withLineBreaksAsSpaces(text, from, to));
        iterator.first();
        for (int boundary = iterator.next(); boundary != BreakIterator.DONE; boundary = iterator.next()) {
            int candidate = from + boundary;
            if (candidate < to && isRealSentenceEnd(text, from, candidate)) {
                found.add(candidate);
            }
        }
        addBreaksAfterFullWidthTerminators(text, from, to, found);
        found.sort(null);
        for (int candidate : found) {
            int start = Chars.skipWhitespace(text, candidate, to);
            if (start < to && !Chars.splitsSurrogatePair(text, start)) {
                starts.add(start);
            }
        }
    }

    /**
     * ICU treats opening brackets as closing punctuation after a terminator, so it misses the break in
     * "ですか？「はい」"; this pass breaks after every run of full-width terminators and closing marks.
     */
    private static void addBreaksAfterFullWidthTerminators(String text, int from, int to, List<Integer> found) {
        int i = from;
        while (i < to) {
            if (!isFullWidthTerminator(text.charAt(i))) {
                i++;
                continue;
            }
            while (i < to && (isFullWidthTerminator(text.charAt(i)) || isClosingPunctuation(text.charAt(i)))) {
                i++;
            }
            if (i < to && !isFullWidthDigit(text.charAt(i))) { // "３．１４" is a number
                found.add(i);
            }
        }
    }

    /** The range check first: this runs on every character of every paragraph. */
    private static boolean isFullWidthTerminator(char c) {
        return c >= '\u3002' && FULL_WIDTH_TERMINATORS.indexOf(c) >= 0;
    }

    private static boolean isFullWidthDigit(char c) {
        return c >= '０' && c <= '９';
    }

    /**
     * Inside a paragraph a single newline is just a soft wrap, but ICU always breaks at line separators,
     * so they are hidden from it. The copy keeps every offset unchanged.
     */
    private static String withLineBreaksAsSpaces(String text, int from, int to) {
        char[] chars = null;
        for (int i = from; i < to; i++) {
            if (Chars.isLineBreak(text.charAt(i))) {
                if (chars == null) {
                    chars = text.substring(from, to).toCharArray();
                }
                chars[i - from] = ' ';
            }
        }
        return chars != null ? new String(chars) : text.substring(from, to);
    }

    private static boolean isRealSentenceEnd(String text, int from, int breakAt) {
        char before = text.charAt(breakAt - 1);
        if (Chars.isWhitespace(before)) {
            int contentEnd = Chars.trimTrailingWhitespace(text, from, breakAt);
            return !endsWithAbbreviation(text, from, contentEnd);
        }
        // Without a space, only CJK punctuation ends a sentence; this keeps "a.b?c=d" in URLs and
        // "file.Name" together.
        return endsWithCjkTerminator(text, from, breakAt);
    }

    private static boolean endsWithAbbreviation(String text, int from, int contentEnd) {
        if (contentEnd == from || text.charAt(contentEnd - 1) != '.') {
            return false;
        }
        int tokenStart = contentEnd;
        while (tokenStart > from && !Chars.isWhitespace(text.charAt(tokenStart - 1))) {
            tokenStart--;
        }
        while (tokenStart < contentEnd && isOpeningPunctuation(text.charAt(tokenStart))) {
            tokenStart++;
        }
        String token = text.substring(tokenStart, contentEnd);
        return ABBREVIATIONS.contains(token.toLowerCase(Locale.ROOT)) || isLettersAndDots(token);
    }

    /** Initials and dotted abbreviations: "J.", "U.S.", "e.g.", "i.e.". */
    private static boolean isLettersAndDots(String token) {
        if (token.isEmpty() || token.length() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < token.length(); i += 2) {
            if (!Character.isLetter(token.charAt(i)) || token.charAt(i + 1) != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithCjkTerminator(String text, int from, int breakAt) {
        int i = breakAt - 1;
        while (i > from && isClosingPunctuation(text.charAt(i))) {
            i--;
        }
        char terminator = text.charAt(i);
        if (isFullWidthTerminator(terminator)) {
            return true;
        }
        // ASCII ! or ? written inside CJK text, as in "本当?はい".
        return (terminator == '!' || terminator == '?') && breakAt < text.length()
                && isCjk(text.codePointAt(breakAt));
    }

    private static boolean isClosingPunctuation(char c) {
        int type = Character.getType(c);
        return type == Character.END_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || c == '"' || c == '\'';
    }

    private static boolean isOpeningPunctuation(char c) {
        int type = Character.getType(c);
        return type == Character.START_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION
                || c == '"' || c == '\'';
    }

    private static boolean isCjk(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
