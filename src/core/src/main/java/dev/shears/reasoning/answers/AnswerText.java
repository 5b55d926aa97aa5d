package dev.shears.reasoning.answers;

/** Scanning helpers shared by extraction and equivalence; all linear in their (capped) input, no regex. */
final class AnswerText {

    /** Extraction looks at the last this many characters of a path: final answers sit at the end. */
    static final int MAX_TEXT = 2_000;
    /** Equivalence does math only on answers up to this long; longer ones are compared as text. */
    static final int MAX_ANSWER = 200;

    private static final String[] WRAPPERS = {"\\boxed", "\\fbox", "\\text", "\\textbf", "\\textrm", "\\mathrm", "\\mathbf", "\\mbox"};
    private static final String TRAILING_PUNCTUATION = ".,;:!?";

    private AnswerText() {}

    static String tail(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(text.length() - MAX_TEXT);
    }

    /** The index just past the '}' that closes the '{' at {@code open}, or -1; escaped braces do not count. */
    static int closeBrace(CharSequence s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static boolean isWordAt(String t, int at, String word) {
        int end = at + word.length();
        return startsWithIgnoreCase(t, at, word) && (end >= t.length() || !Character.isLetter(t.charAt(end)));
    }

    static boolean startsWithIgnoreCase(String s, int at, String prefix) {
        return s.regionMatches(true, at, prefix, 0, prefix.length());
    }

    /**
     * Strips what surrounds an answer: whitespace, bold/italic stars, $...$, \(...\), \[...\], backticks, quotes,
     * a whole \boxed{}/\text{}-like wrapper, trailing punctuation, and a dangling closing $. Null when nothing is left.
     */
    static String clean(String answer) {
        String s = answer;
        for (int round = 0; round < 16; round++) {
            String before = s;
            s = s.strip();
            s = stripChars(s, '*');
            s = unwrap(s, "$$", "$$");
            s = unwrap(s, "\\(", "\\)");
            s = unwrap(s, "\\[", "\\]");
            s = unwrap(s, "`", "`");
            s = unwrap(s, "\"", "\"");
            if (s.length() >= 2 && s.charAt(0) == '$' && s.charAt(s.length() - 1) == '$') {
                s = s.substring(1, s.length() - 1);
            } else if (s.endsWith("$") && !s.endsWith("\\$")) {
                s = s.substring(0, s.length() - 1); // the close of a $...$ whose opening was cut off
            }
            s = unwrapCommand(s);
            while (!s.isEmpty() && TRAILING_PUNCTUATION.indexOf(s.charAt(s.length() - 1)) >= 0) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.equals(before)) {
                break;
            }
        }
        s = s.strip();
        return s.isEmpty() ? null : s;
    }

    private static String stripChars(String s, char c) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == c) {
            start++;
        }
        while (end > start && s.charAt(end - 1) == c) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String unwrap(String s, String open, String close) {
        if (s.length() >= open.length() + close.length() && s.startsWith(open) && s.endsWith(close)) {
            return s.substring(open.length(), s.length() - close.length());
        }
        return s;
    }

    /** {@code \boxed{x}} (and the other wrappers) to {@code x} when the wrapper spans the whole string. */
    private static String unwrapCommand(String s) {
        for (String w : WRAPPERS) {
            if (s.startsWith(w)) {
                int open = w.length();
                while (open < s.length() && s.charAt(open) == ' ') {
                    open++;
                }
                if (open < s.length() && s.charAt(open) == '{' && closeBrace(s, open) == s.length()) {
                    return s.substring(open + 1, s.length() - 1);
                }
            }
        }
        return s;
    }

    /**
     * The answer that starts at {@code p} (after "the answer is"): a delimited math span ($...$, \(...\), \boxed{...}),
     * else the rest of the line up to the end of the sentence or a clause such as ", which". Null if empty.
     */
    static String answerSpan(String t, int p) {
        while (p < t.length() && (t.charAt(p) == ' ' || t.charAt(p) == '\t' || t.charAt(p) == '*')) {
            p++;
        }
        if (p >= t.length()) {
            return null;
        }
        if (t.startsWith("\\boxed", p) || t.startsWith("\\fbox", p)) {
            return AnswerExtractors.boxedAt(t, p);
        }
        String[][] delimiters = {{"$$", "$$"}, {"\\(", "\\)"}, {"\\[", "\\]"}, {"$", "$"}};
        for (String[] d : delimiters) {
            if (t.startsWith(d[0], p)) {
                int from = p + d[0].length();
                int end = indexOfUnescaped(t, d[1], from);
                int lineEnd = lineEnd(t, from);
                if (end > from && end - from <= MAX_ANSWER && (d[0].length() > 1 || end <= lineEnd)) {
                    String inner = t.substring(from, end);
                    // "$18 and $5": a currency sign, not math delimiters
                    if (d[0].length() > 1 || (!Character.isWhitespace(inner.charAt(0)) && !Character.isWhitespace(inner.charAt(inner.length() - 1)))) {
                        return clean(inner);
                    }
                }
                break;
            }
        }
        int end = sentenceEnd(t, p);
        return clean(t.substring(p, end));
    }

    /** The next {@code what} at or after {@code from} that does not follow a backslash ("\\$" is a dollar sign). */
    private static int indexOfUnescaped(String t, String what, int from) {
        int at = t.indexOf(what, from);
        while (at > 0 && t.charAt(at - 1) == '\\') {
            at = t.indexOf(what, at + 1);
        }
        return at;
    }

    static int lineEnd(String t, int from) {
        int nl = t.indexOf('\n', from);
        return nl < 0 ? t.length() : nl;
    }

    private static int sentenceEnd(String t, int p) {
        int limit = Math.min(lineEnd(t, p), p + MAX_ANSWER);
        int depth = 0;
        for (int i = p; i < limit; i++) {
            char c = t.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0) {
                boolean spaceNext = i + 1 >= limit || Character.isWhitespace(t.charAt(i + 1));
                if ((c == '.' || c == '!' || c == '?' || c == ';') && spaceNext) {
                    return i;
                }
                if (c == ',' && i + 2 < limit && t.charAt(i + 1) == ' ' && Character.isLowerCase(t.charAt(i + 2))) {
                    return i; // "72, which is ..." but not "1, 2, 3"
                }
                if (c == ' ' && (isWordAt(t, i + 1, "because") || isWordAt(t, i + 1, "since"))) {
                    return i;
                }
            }
        }
        return limit;
    }

    /**
     * The multiple-choice letter (A-J, upper case) an answer names: "(b)", "(B) 42", "B", "B.", "B)", "B. 42",
     * "option B"; a bare letter must be upper case so that "a dog" is not a choice. Null when it names none.
     */
    static String choiceLetter(String answer) {
        if (answer == null) {
            return null;
        }
        String s = stripChars(answer.strip(), '*').strip();
        for (String prefix : new String[] {"option ", "choice "}) {
            if (startsWithIgnoreCase(s, 0, prefix)) {
                s = s.substring(prefix.length()).strip();
            }
        }
        if (s.length() >= 3 && s.charAt(0) == '(' && isChoice(Character.toUpperCase(s.charAt(1))) && s.charAt(2) == ')'
                && (s.length() == 3 || Character.isWhitespace(s.charAt(3)))) {
            return String.valueOf(Character.toUpperCase(s.charAt(1)));
        }
        if (s.isEmpty() || !isChoice(s.charAt(0))) {
            return null;
        }
        if (s.length() == 1) {
            return s;
        }
        char after = s.charAt(1);
        if ((after == '.' || after == ')') && (s.length() == 2 || Character.isWhitespace(s.charAt(2)))) {
            return s.substring(0, 1);
        }
        return null;
    }

    private static boolean isChoice(char c) {
        return c >= 'A' && c <= 'J';
    }
}
