package dev.shears.reasoning.answers;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Evaluates a short numeric answer (already prepared by {@link AnswerEquivalence}): numbers with thousands commas,
 * decimals and e-notation, + - * / ^, parentheses and braces, \frac, \sqrt, \pi, a currency sign, and a trailing
 * unit ("72 clips", "5 cm", "50%", "6 miles/hour", "1.8 billion" scales). Recursive descent with a depth bound;
 * anything else is {@link NotNumeric}.
 */
final class MathParser {

    /** Not a number we can evaluate; thrown without a stack trace, caught by the caller. */
    static final class NotNumeric extends RuntimeException {
        static final NotNumeric INSTANCE = new NotNumeric();

        private NotNumeric() {
            super("not numeric", null, false, false);
        }
    }

    private static final int MAX_DEPTH = 64;
    private static final int MAX_E_NOTATION = 1_000;
    private static final String CURRENCY = "$€£¥";
    private static final String[][] SCALES = {{"thousand", "1000"}, {"million", "1000000"}, {"billion", "1000000000"}, {"trillion", "1000000000000"}};

    private final String s;
    private int p;
    private int depth;

    private MathParser(String s) {
        this.s = s;
    }

    /** The value of {@code s}, or null when it is not (only) a number with an optional unit. */
    static Num evaluate(String s) {
        try {
            return new MathParser(s).whole();
        } catch (NotNumeric | ArithmeticException e) {
            return null;
        }
    }

    private Num whole() {
        Num v = expression();
        int tailStart = p;
        skipSpaces();
        if (p == s.length()) {
            return v;
        }
        return v.multiply(unit(s.substring(tailStart)));
    }

    /** The factor a trailing unit stands for (1, or a scale word's value); NotNumeric if the tail is not a unit. */
    private static Num unit(String tail) {
        boolean glued = !Character.isWhitespace(tail.charAt(0));
        String t = tail.strip();
        char first = t.charAt(0);
        if (!Character.isLetter(first) && "/%°'(".indexOf(first) < 0 && CURRENCY.indexOf(first) < 0) {
            throw NotNumeric.INSTANCE; // "2 - x", ",5"
        }
        int wordStart = first == '/' ? 1 : 0;
        int wordEnd = wordStart;
        while (wordEnd < t.length() && Character.isLetter(t.charAt(wordEnd))) {
            wordEnd++;
        }
        if (wordEnd - wordStart == 1 && (glued || first == '/')) {
            throw NotNumeric.INSTANCE; // "5x", "3i", "1/x": a variable, not a unit
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!Character.isLetter(c) && !Character.isWhitespace(c) && "/.'-²³%°()".indexOf(c) < 0 && CURRENCY.indexOf(c) < 0) {
                throw NotNumeric.INSTANCE;
            }
        }
        for (String[] scale : SCALES) {
            if (!glued && AnswerText.startsWithIgnoreCase(t, 0, scale[0])) {
                return Num.of(new BigInteger(scale[1]), BigInteger.ONE);
            }
        }
        return Num.of(BigInteger.ONE, BigInteger.ONE);
    }

    private Num expression() {
        Num v = term();
        while (true) {
            int save = p;
            skipSpaces();
            if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
                boolean minus = s.charAt(p++) == '-';
                try {
                    Num r = term();
                    v = minus ? v.add(r.negate()) : v.add(r);
                    continue;
                } catch (NotNumeric e) {
                    p = save;
                }
            }
            p = save;
            return v;
        }
    }

    private Num term() {
        Num v = unary();
        while (true) {
            int save = p;
            skipSpaces();
            if (p < s.length() && (s.charAt(p) == '*' || s.charAt(p) == '/')) {
                boolean divide = s.charAt(p++) == '/';
                try {
                    Num r = unary();
                    v = divide ? v.divide(r) : v.multiply(r);
                    continue;
                } catch (NotNumeric e) {
                    p = save; // "700/week": the rest is a unit
                }
            } else if (p < s.length() && (s.charAt(p) == '(' || s.startsWith("\\sqrt", p) || s.startsWith("\\pi", p))) {
                try {
                    v = v.multiply(power()); // implicit product: 2\sqrt{2}, 3(4), 2\pi
                    continue;
                } catch (NotNumeric e) {
                    p = save; // "72 (clips)": the rest is a unit
                }
            }
            p = save;
            return v;
        }
    }

    private Num unary() {
        enter();
        try {
            skipSpaces();
            if (p < s.length() && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
                boolean minus = s.charAt(p++) == '-';
                Num v = unary();
                return minus ? v.negate() : v;
            }
            return power();
        } finally {
            depth--;
        }
    }

    private Num power() {
        Num base = primary();
        int save = p;
        skipSpaces();
        if (p < s.length() && s.charAt(p) == '^') {
            p++;
            skipSpaces();
            return base.pow(p < s.length() && s.charAt(p) == '{' ? argument() : unary());
        }
        p = save;
        return base;
    }

    private Num primary() {
        enter();
        try {
            skipSpaces();
            if (p >= s.length()) {
                throw NotNumeric.INSTANCE;
            }
            char c = s.charAt(p);
            if (CURRENCY.indexOf(c) >= 0) {
                p++;
                return unary();
            }
            if (isDigit(c) || (c == '.' && p + 1 < s.length() && isDigit(s.charAt(p + 1)))) {
                return number();
            }
            if (c == '(' || c == '{') {
                p++;
                Num v = expression();
                expect(c == '(' ? ')' : '}');
                return v;
            }
            if (command("\\frac")) {
                Num numerator = argument();
                return numerator.divide(argument());
            }
            if (command("\\sqrt")) {
                return argument().sqrt();
            }
            if (command("\\pi")) {
                return Num.PI;
            }
            throw NotNumeric.INSTANCE;
        } finally {
            depth--;
        }
    }

    /** A \frac, \sqrt or ^ argument: {expression}, a single digit (\frac12), or a command (\frac\pi2). */
    private Num argument() {
        skipSpaces();
        if (p >= s.length()) {
            throw NotNumeric.INSTANCE;
        }
        char c = s.charAt(p);
        if (c == '{') {
            return primary();
        }
        if (isDigit(c)) {
            p++;
            return Num.of(BigInteger.valueOf(c - '0'), BigInteger.ONE);
        }
        if (c == '\\') {
            return primary();
        }
        throw NotNumeric.INSTANCE;
    }

    /** Digits, thousands groups ("1,234,567": every group after the first exactly three digits), a fraction, e-notation. */
    private Num number() {
        StringBuilder digits = new StringBuilder();
        int start = p;
        while (p < s.length() && isDigit(s.charAt(p))) {
            digits.append(s.charAt(p++));
        }
        if (p - start >= 1 && p - start <= 3) {
            while (p + 3 < s.length() && s.charAt(p) == ',' && isDigit(s.charAt(p + 1)) && isDigit(s.charAt(p + 2)) && isDigit(s.charAt(p + 3))
                    && (p + 4 >= s.length() || !isDigit(s.charAt(p + 4)))) {
                digits.append(s, p + 1, p + 4);
                p += 4;
            }
        }
        if (p + 1 < s.length() && s.charAt(p) == '.' && isDigit(s.charAt(p + 1))) {
            digits.append('.');
            p++;
            while (p < s.length() && isDigit(s.charAt(p))) {
                digits.append(s.charAt(p++));
            }
        }
        BigDecimal value = new BigDecimal(digits.charAt(0) == '.' ? "0" + digits : digits.toString());
        int save = p;
        if (p < s.length() && (s.charAt(p) == 'e' || s.charAt(p) == 'E')) {
            p++;
            boolean negative = p < s.length() && s.charAt(p) == '-';
            if (p < s.length() && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
                p++;
            }
            int expStart = p;
            while (p < s.length() && isDigit(s.charAt(p)) && p - expStart <= 4) {
                p++;
            }
            if (p == expStart || (p < s.length() && isDigit(s.charAt(p)))) {
                p = save; // not e-notation (or an exponent too long to evaluate): the tail decides
                return Num.of(value);
            }
            int exponent = Integer.parseInt(s.substring(expStart, p));
            if (exponent > MAX_E_NOTATION) {
                throw NotNumeric.INSTANCE;
            }
            value = value.scaleByPowerOfTen(negative ? -exponent : exponent);
        }
        return Num.of(value);
    }

    private boolean command(String name) {
        int end = p + name.length();
        if (s.startsWith(name, p) && (end >= s.length() || !Character.isLetter(s.charAt(end)))) {
            p = end;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        skipSpaces();
        if (p >= s.length() || s.charAt(p) != c) {
            throw NotNumeric.INSTANCE;
        }
        p++;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            depth--;
            throw NotNumeric.INSTANCE;
        }
    }

    private void skipSpaces() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
