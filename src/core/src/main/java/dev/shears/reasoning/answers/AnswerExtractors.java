package dev.shears.reasoning.answers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in answer extractors. Every extractor looks only at the last {@value AnswerText#MAX_TEXT} characters of
 * a path (final answers sit at the end; this bounds the work on any text) and cleans what it finds of $...$,
 * \text{}, bold stars and trailing punctuation.
 *
 * <ul>
 *   <li>{@code boxed}: the content of the last {@code \boxed{...}} or {@code \fbox{...}} (nested braces).
 *   <li>{@code answer-is}: what follows the last "answer is" / "final answer is" / "answer was" / "answer:" / "answer =",
 *       up to the end of the sentence or a delimited $...$ span.
 *   <li>{@code gsm8k}: the value after the last {@code ####}.
 *   <li>{@code final-line}: the last line "Answer: X" / "Final answer: X", or a last non-blank line "A: X".
 *   <li>{@code choice}: a multiple-choice letter A-J, upper case: from a boxed / "answer is" / final line answer
 *       that names one ("(B)", "B.", "B) 42"), else a last line that is one.
 *   <li>{@code last-number}: the last number in the text.
 *   <li>{@code auto}: {@code boxed}, else {@code gsm8k}, else whichever of {@code answer-is}, {@code final-line} and a
 *       last line that is just a choice letter ("(B)", "B.") comes last in the text, else — only as a last resort,
 *       since in a truncated or answerless path it is usually an intermediate result — {@code last-number}.
 * </ul>
 */
public final class AnswerExtractors {

    /** A found answer and where it starts in the (tail of the) text, so that the later of two finds can win. */
    private record Found(String value, int at) {}

    private static final Map<String, Function<String, Found>> FINDERS = new LinkedHashMap<>();

    static {
        FINDERS.put("auto", AnswerExtractors::auto);
        FINDERS.put("boxed", AnswerExtractors::boxed);
        FINDERS.put("answer-is", AnswerExtractors::answerIs);
        FINDERS.put("gsm8k", AnswerExtractors::gsm8k);
        FINDERS.put("final-line", AnswerExtractors::finalLine);
        FINDERS.put("choice", AnswerExtractors::choice);
        FINDERS.put("last-number", AnswerExtractors::lastNumber);
    }

    /** Upper bound on character reads a user pattern may make per call: a pathological pattern gives up, not hangs. */
    private static final long REGEX_BUDGET = 2_000_000;
    private static final String[] ANSWER_VERBS = {"is", "was", "would be", "will be", "should be", "="};

    private AnswerExtractors() {}

    public static AnswerExtractor auto() {
        return named("auto");
    }

    /** One of {@link #names()}; IllegalArgumentException naming the known ones otherwise. */
    public static AnswerExtractor named(String name) {
        Function<String, Found> finder = name == null ? null : FINDERS.get(name);
        if (finder == null) {
            throw new IllegalArgumentException("unknown answer extractor '" + name + "'; known: " + String.join(", ", names())
                    + " (or a pattern via regex)");
        }
        return extractor(name, finder);
    }

    /**
     * The first capture group of the last match of {@code pattern}, cleaned like the built-in ones; empty when it
     * never matches, the group is empty, or the pattern needs more than a fixed budget of work on the text.
     */
    public static AnswerExtractor regex(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("answer pattern is blank; it needs a capture group around the answer, e.g. Answer:\\s*(\\S+)");
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid answer pattern '" + pattern + "': " + e.getDescription() + " near index " + e.getIndex(), e);
        }
        if (compiled.matcher("").groupCount() < 1) {
            throw new IllegalArgumentException("answer pattern '" + pattern + "' has no capture group; wrap the answer in (...), e.g. Answer:\\s*(\\S+)");
        }
        return extractor("regex:" + pattern, text -> lastGroup(compiled, text));
    }

    /** The names {@link #named} accepts, {@code auto} first. */
    public static List<String> names() {
        return List.copyOf(FINDERS.keySet());
    }

    private static AnswerExtractor extractor(String name, Function<String, Found> finder) {
        return new AnswerExtractor() {
            @Override
            public Optional<String> extract(String text) {
                if (text == null || text.isEmpty()) {
                    return Optional.empty();
                }
                Found found = finder.apply(AnswerText.tail(text));
                return found == null ? Optional.empty() : Optional.of(found.value());
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return "AnswerExtractor[" + name + "]";
            }
        };
    }

    private static Found auto(String t) {
        Found found = boxed(t);
        if (found == null) {
            found = gsm8k(t);
        }
        if (found == null) {
            found = later(later(answerIs(t), finalLine(t)), bareChoiceLine(t));
        }
        return found != null ? found : lastNumber(t);
    }

    private static Found later(Found a, Found b) {
        return a == null ? b : b == null || a.at() >= b.at() ? a : b;
    }

    private static Found boxed(String t) {
        int from = t.length();
        for (int tries = 0; tries < 64 && from > 0; tries++) {
            int at = Math.max(t.lastIndexOf("\\boxed", from - 1), t.lastIndexOf("\\fbox", from - 1));
            if (at < 0) {
                return null;
            }
            String value = boxedAt(t, at);
            if (value != null) {
                return new Found(value, at);
            }
            from = at;
        }
        return null;
    }

    /** The cleaned content of the \boxed (or \fbox) command at {@code at}: {@code \boxed{...}} or {@code \boxed 5}. */
    static String boxedAt(String t, int at) {
        int name = at + (t.startsWith("\\boxed", at) ? 6 : 5);
        int p = name;
        while (p < t.length() && t.charAt(p) == ' ') {
            p++;
        }
        if (p >= t.length()) {
            return null;
        }
        if (t.charAt(p) == '{') {
            int end = AnswerText.closeBrace(t, p);
            return end < 0 ? null : AnswerText.clean(t.substring(p + 1, end - 1));
        }
        if (p == name) {
            return null; // "\boxedx": another command, not "\boxed x"
        }
        int end = p;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end)) && t.charAt(end) != '$') {
            end++;
        }
        return AnswerText.clean(t.substring(p, end));
    }

    private static Found answerIs(String t) {
        for (int i = t.length() - 6; i >= 0; i--) {
            if (!AnswerText.startsWithIgnoreCase(t, i, "answer") || (i > 0 && Character.isLetter(t.charAt(i - 1)))) {
                continue;
            }
            int p = skipSpacesAndStars(t, i + 6);
            boolean marked = false;
            for (String verb : ANSWER_VERBS) {
                int end = p + verb.length();
                if (AnswerText.startsWithIgnoreCase(t, p, verb) && (end >= t.length() || !Character.isLetter(t.charAt(end)))) {
                    p = skipSpacesAndStars(t, end);
                    marked = true;
                    break;
                }
            }
            if (p < t.length() && t.charAt(p) == ':') {
                p = skipSpacesAndStars(t, p + 1);
                marked = true;
            }
            if (marked) {
                String value = AnswerText.answerSpan(t, p);
                if (value != null) {
                    return new Found(value, i);
                }
            }
        }
        return null;
    }

    private static int skipSpacesAndStars(String t, int p) {
        while (p < t.length() && (t.charAt(p) == ' ' || t.charAt(p) == '\t' || t.charAt(p) == '*')) {
            p++;
        }
        return p;
    }

    private static Found gsm8k(String t) {
        int at = t.lastIndexOf("####");
        if (at < 0) {
            return null;
        }
        int p = at;
        while (p < t.length() && t.charAt(p) == '#') {
            p++;
        }
        String value = AnswerText.clean(t.substring(p, AnswerText.lineEnd(t, p)));
        return value == null ? null : new Found(value, at);
    }

    private static Found finalLine(String t) {
        boolean last = true;
        int end = t.length();
        while (end > 0) {
            int start = t.lastIndexOf('\n', end - 1) + 1;
            String line = lineContent(t.substring(start, end));
            end = start - 1;
            if (line.isEmpty()) {
                continue;
            }
            String value = null;
            if (AnswerText.startsWithIgnoreCase(line, 0, "final answer")) {
                value = afterColon(line, 12);
            } else if (AnswerText.startsWithIgnoreCase(line, 0, "answer")) {
                value = afterColon(line, 6);
            } else if (last && line.startsWith("A")) {
                value = afterColon(line, 1);
            }
            if (value != null) {
                return new Found(value, start);
            }
            last = false;
        }
        return null;
    }

    /** A line without bold markers and leading Markdown heading/quote/list marks. */
    private static String lineContent(String line) {
        String s = line.replace("**", "").strip();
        int p = 0;
        while (p < s.length() && "#>- \t".indexOf(s.charAt(p)) >= 0) {
            p++;
        }
        return s.substring(p);
    }

    private static String afterColon(String line, int p) {
        while (p < line.length() && line.charAt(p) == ' ') {
            p++;
        }
        if (p >= line.length() || (line.charAt(p) != ':' && line.charAt(p) != '：')) {
            return null;
        }
        return AnswerText.clean(line.substring(p + 1));
    }

    private static Found choice(String t) {
        Found box = boxed(t);
        if (box != null && box.value().length() == 1) {
            box = new Found(box.value().toUpperCase(Locale.ROOT), box.at()); // \boxed{d}: a lone letter is deliberate
        }
        for (Found candidate : new Found[] {box, answerIs(t), finalLine(t), lastLine(t)}) {
            String letter = candidate == null ? null : AnswerText.choiceLetter(candidate.value());
            if (letter != null) {
                return new Found(letter, candidate.at());
            }
        }
        return null;
    }

    /** A last line that is nothing but a choice letter: "(B)", "B", "B.", "B)". */
    private static Found bareChoiceLine(String t) {
        Found line = lastLine(t);
        if (line == null) {
            return null;
        }
        String s = line.value().replace("*", "").strip();
        String letter = AnswerText.choiceLetter(s);
        boolean bare = letter != null && s.length() <= 3 && (s.length() < 3 || s.charAt(0) == '(');
        return bare ? new Found(line.value(), line.at()) : null;
    }

    private static Found lastLine(String t) {
        int end = t.length();
        while (end > 0) {
            int start = t.lastIndexOf('\n', end - 1) + 1;
            String value = AnswerText.clean(t.substring(start, end));
            if (value != null) {
                return new Found(value, start);
            }
            end = start - 1;
        }
        return null;
    }

    /** The last number: digits with thousands commas and a decimal point, a sign, and a "/" fraction part. */
    private static Found lastNumber(String t) {
        int end = t.length();
        while (end > 0 && !isDigit(t.charAt(end - 1))) {
            end--;
        }
        if (end == 0) {
            return null;
        }
        int start = numberStart(t, end);
        if (start >= 2 && t.charAt(start - 1) == '/' && isDigit(t.charAt(start - 2))) {
            start = numberStart(t, start - 1);
        }
        if (start > 0 && t.charAt(start - 1) == '.') {
            start--;
        }
        if (start > 0 && t.charAt(start - 1) == '-' && (start == 1 || !Character.isLetterOrDigit(t.charAt(start - 2)))) {
            start--;
        }
        return new Found(t.substring(start, end), start);
    }

    private static int numberStart(String t, int end) {
        int start = end - 1;
        while (start > 0) {
            char c = t.charAt(start - 1);
            boolean separator = (c == ',' || c == '.') && start >= 2 && isDigit(t.charAt(start - 2));
            if (!isDigit(c) && !separator) {
                break;
            }
            start--;
        }
        return start;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static Found lastGroup(Pattern pattern, String t) {
        Matcher m = pattern.matcher(new BudgetedChars(t, REGEX_BUDGET));
        String last = null;
        int at = -1;
        try {
            while (m.find()) {
                if (m.group(1) != null) {
                    last = m.group(1);
                    at = m.start(1);
                }
                if (m.end() == m.start() && m.end() >= t.length()) {
                    break;
                }
            }
        } catch (BudgetedChars.Exhausted e) {
            return null;
        }
        String value = last == null ? null : AnswerText.clean(last);
        return value == null ? null : new Found(value, at);
    }

    /** Text that throws once a matcher has read more than a budget of characters: bounds backtracking. */
    private static final class BudgetedChars implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super("regex budget exhausted", null, false, false);
            }
        }

        private final String s;
        private final long[] left;

        BudgetedChars(String s, long budget) {
            this(s, new long[] {budget});
        }

        private BudgetedChars(String s, long[] left) {
            this.s = s;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return s.charAt(index);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedChars(s.substring(start, end), left);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
