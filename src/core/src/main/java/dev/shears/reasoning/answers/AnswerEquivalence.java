package dev.shears.reasoning.answers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Math-aware answer equivalence for grouping sampled reasoning paths by their final answer (self-consistency, RPC).
 * {@link #equivalent} is symmetric, reflexive for non-blank answers and cheap enough to call pairwise.
 *
 * <p>Rules:
 * <ul>
 *   <li>Numbers are compared as exact rationals: "1/2" = "0.5" = ".5" = "\frac{1}{2}" = "\dfrac12" = "5e-1";
 *       "72.00" = "+72"; "\sqrt{4}" = "2" and "2^3" = "8" (both sides numeric). Two integers must be equal exactly;
 *       otherwise a relative tolerance of 1e-6 applies (so "0.333333" = "1/3"; a non-square \sqrt or \pi is a
 *       34-digit approximation).
 *   <li>Units and currency are ignored: "72 clips" = "$72" = "72 dollars" = "€72"; "5 cm" = "5" (the question fixes
 *       the unit). Scale words count: "1.8 billion" = "1800000000".
 *   <li>Percent: the sign is a unit, so "50%" = "50" and "50%" ≠ "0.5". Treating it as either would make grouping
 *       non-transitive (0.5 ~ 50% ~ 50 but 0.5 ≠ 50); GSM8K/MATH gold answers to "what percent" questions are 50.
 *   <li>Thousands: a comma is a thousands separator only between a 1-3 digit lead and groups of exactly three digits
 *       ("1,000" = "1000", "12,345,678"); otherwise commas separate list items ("1,5" is the list 1, 5, never 1.5 —
 *       decimal commas are not read). Lists of numbers compare item by item, brackets included ("(1, 2.0)" = "(1,2)").
 *   <li>Multiple-choice letters: "(b)" = "B" = "B." = "(B) 42" = "option B".
 *   <li>Other text: case- and whitespace-insensitive after removing outer punctuation, $...$ and \text{} wrappers.
 *   <li>Bounded work: math only on answers of at most {@value AnswerText#MAX_ANSWER} characters (longer ones compare
 *       as text, linear); numbers capped at 4096 bits, exponents at 1024, parse depth at 64.
 * </ul>
 */
public final class AnswerEquivalence {

    /** An answer read as a number, a list of numbers, or text; {@code canonical} is its display and text key. */
    private record Value(Num number, List<Num> items, String canonical) {}

    private static final String[][] LATEX = {
        {"\\left", ""}, {"\\right", ""}, {"\\displaystyle", ""}, {"\\!", ""}, {"\\,", ""}, {"{,}", ","}, {"\\;", " "}, {"\\:", " "},
        {"\\ ", " "}, {"~", " "}, {"\\dfrac", "\\frac"}, {"\\tfrac", "\\frac"}, {"\\cdot", "*"}, {"\\times", "*"},
        {"×", "*"}, {"·", "*"}, {"⋅", "*"}, {"\\div", "/"}, {"÷", "/"}, {"−", "-"}, {"–", "-"}, {"\\%", "%"},
        {"\\$", "$"}, {"^{\\circ}", "°"}, {"^\\circ", "°"}, {"√", "\\sqrt"}, {"π", "\\pi"}, {"\\euro", "€"}
    };
    private static final String[] TEXT_COMMANDS = {"\\text", "\\textbf", "\\textrm", "\\mathrm", "\\mathbf", "\\mbox", "\\operatorname"};
    private static final String OUTER_PUNCTUATION = ".,;:!?\"'`*";

    private AnswerEquivalence() {}

    /** Whether two answers are the same answer; false when either is null or blank. */
    public static boolean equivalent(String a, String b) {
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            return false;
        }
        if (a.equals(b)) {
            return true;
        }
        Value x = value(a);
        Value y = value(b);
        if (x.number() != null && y.number() != null) {
            return x.number().closeTo(y.number());
        }
        if (x.items() != null && y.items() != null) {
            if (x.items().size() != y.items().size() || !brackets(x.canonical()).equals(brackets(y.canonical()))) {
                return false;
            }
            for (int i = 0; i < x.items().size(); i++) {
                if (!x.items().get(i).closeTo(y.items().get(i))) {
                    return false;
                }
            }
            return true;
        }
        return x.canonical().equals(y.canonical());
    }

    /** The normal form used for grouping and display: "72", "0.5", "1/3", "c", "(1,2)", "new york"; "" for blank. */
    public static String canonical(String answer) {
        return answer == null || answer.isBlank() ? "" : value(answer).canonical();
    }

    private static Value value(String answer) {
        if (answer.length() > AnswerText.MAX_ANSWER) {
            return new Value(null, null, text(answer));
        }
        String s = prepare(answer);
        Num number = MathParser.evaluate(s);
        if (number != null) {
            return new Value(number, null, number.canonical());
        }
        List<Num> items = numberList(s);
        if (items != null) {
            StringBuilder c = new StringBuilder();
            char open = s.charAt(0);
            char close = s.charAt(s.length() - 1);
            if (open == '(' || open == '[') {
                c.append(open);
            }
            for (int i = 0; i < items.size(); i++) {
                c.append(i == 0 ? "" : ",").append(items.get(i).canonical());
            }
            if (close == ')' || close == ']') {
                c.append(close);
            }
            return new Value(null, items, c.toString());
        }
        return new Value(null, null, text(s));
    }

    private static String brackets(String listCanonical) {
        char first = listCanonical.charAt(0);
        char last = listCanonical.charAt(listCanonical.length() - 1);
        return ((first == '(' || first == '[') ? String.valueOf(first) : "") + ((last == ')' || last == ']') ? String.valueOf(last) : "");
    }

    /** Cleans wrappers, rewrites LaTeX spellings to one form, unwraps \text{...}, drops a leading "x =". */
    private static String prepare(String answer) {
        String s = AnswerText.clean(answer);
        if (s == null) {
            return answer.strip();
        }
        for (String[] r : LATEX) {
            s = s.replace(r[0], r[1]);
        }
        s = unwrapTextCommands(s);
        String cleaned = AnswerText.clean(s);
        s = cleaned == null ? s.strip() : cleaned;
        int p = 0;
        if (s.length() > 2 && Character.isLetter(s.charAt(0))) {
            p = 1;
            while (p < s.length() && s.charAt(p) == ' ') {
                p++;
            }
            if (p < s.length() - 1 && s.charAt(p) == '=') {
                return s.substring(p + 1).strip();
            }
        }
        return s;
    }

    private static String unwrapTextCommands(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        outer:
        while (i < s.length()) {
            if (s.charAt(i) == '\\') {
                for (String command : TEXT_COMMANDS) {
                    int open = i + command.length();
                    if (s.startsWith(command, i) && open < s.length() && s.charAt(open) == '{') {
                        int end = AnswerText.closeBrace(s, open);
                        if (end > 0) {
                            out.append(' ').append(s, open + 1, end - 1).append(' ');
                            i = end;
                            continue outer;
                        }
                    }
                }
            }
            out.append(s.charAt(i++));
        }
        return out.toString();
    }

    /** "1, 5", "(1,2)", "[0, 1/2)": two or more comma-separated numbers, optionally bracketed; null otherwise. */
    private static List<Num> numberList(String s) {
        if (s.indexOf(',') < 0) {
            return null;
        }
        int start = 0;
        int end = s.length();
        if ((s.charAt(0) == '(' || s.charAt(0) == '[') && (s.charAt(end - 1) == ')' || s.charAt(end - 1) == ']')) {
            start++;
            end--;
        }
        List<Num> items = new ArrayList<>();
        int depth = 0;
        int itemStart = start;
        for (int i = start; i <= end; i++) {
            char c = i < end ? s.charAt(i) : ',';
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                Num item = MathParser.evaluate(s.substring(itemStart, i));
                if (item == null) {
                    return null;
                }
                items.add(item);
                itemStart = i + 1;
            }
        }
        return items.size() >= 2 ? items : null;
    }

    /** Text key: a choice letter in lower case, else lower case with whitespace collapsed (and dropped next to symbols). */
    private static String text(String s) {
        String letter = s.length() <= AnswerText.MAX_ANSWER ? AnswerText.choiceLetter(s) : null;
        if (letter != null) {
            return letter.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), 1 << 16));
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (pendingSpace && Character.isLetterOrDigit(c) && Character.isLetterOrDigit(out.charAt(out.length() - 1))) {
                out.append(' ');
            }
            pendingSpace = false;
            out.append(Character.toLowerCase(c));
        }
        int start = 0;
        int end = out.length();
        while (start < end && OUTER_PUNCTUATION.indexOf(out.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && OUTER_PUNCTUATION.indexOf(out.charAt(end - 1)) >= 0) {
            end--;
        }
        return start < end ? out.substring(start, end) : out.toString();
    }
}
