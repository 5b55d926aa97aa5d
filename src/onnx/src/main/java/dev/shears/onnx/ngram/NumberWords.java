package dev.shears.onnx.ngram;

import java.util.ArrayList;
import java.util.List;

/**
 * How a digit run is read aloud (American English, no "and"), so that a word model can score it:
 * <ul>
 *   <li>commas are grouping and dropped: {@code 1,250} = "one thousand two hundred fifty";</li>
 *   <li>integers up to 15 digits are cardinals ({@code 48} = "forty eight", {@code 3000000} = "three million");</li>
 *   <li>four digits 1100-1999 are read as a year: {@code 1984} = "nineteen eighty four", {@code 1905} =
 *       "nineteen oh five", {@code 1800} = "eighteen hundred";</li>
 *   <li>a leading zero ({@code 007}) or more than 15 digits: digit by digit;</li>
 *   <li>each {@code .} part after the first is "point" and its digits one by one: {@code 3.14} = "three point one
 *       four", {@code 1.2.3} = "one point two point three".</li>
 * </ul>
 * Any Unicode decimal digit counts by its value.
 */
final class NumberWords {

    private static final String[] SMALL = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
            "ninety"};
    private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion"};
    private static final int MAX_CARDINAL_DIGITS = 15;

    private NumberWords() {
    }

    /** The spoken words of a digit run with inner {@code ,} and {@code .} (as the tokenizer cuts it). */
    static List<String> spoken(String number) {
        List<String> out = new ArrayList<>();
        StringBuilder digits = new StringBuilder();
        boolean first = true;
        boolean grouped = false;
        for (int i = 0; i <= number.length(); ) {
            int cp = i < number.length() ? number.codePointAt(i) : '.';
            i += i < number.length() ? Character.charCount(cp) : 1;
            if (cp == ',') {
                grouped = true;
            } else if (cp == '.') {
                if (first) {
                    integer(digits.toString(), grouped, out);
                    first = false;
                } else {
                    out.add("point");
                    digitByDigit(digits.toString(), out);
                }
                digits.setLength(0);
            } else {
                digits.append((char) ('0' + Character.digit(cp, 10)));
            }
        }
        return out;
    }

    private static void integer(String digits, boolean grouped, List<String> out) {
        if (digits.length() > MAX_CARDINAL_DIGITS || (digits.length() > 1 && digits.charAt(0) == '0')) {
            digitByDigit(digits, out);
            return;
        }
        long n = Long.parseLong(digits);
        if (!grouped && digits.length() == 4 && n >= 1100 && n <= 1999) {
            below1000((int) (n / 100), out);
            int rest = (int) (n % 100);
            if (rest == 0) {
                out.add("hundred");
            } else {
                if (rest < 10) {
                    out.add("oh");
                }
                below1000(rest, out);
            }
            return;
        }
        if (n == 0) {
            out.add("zero");
            return;
        }
        for (int scale = SCALES.length - 1; scale >= 0; scale--) {
            long unit = (long) Math.pow(1000, scale);
            int group = (int) (n / unit % 1000);
            if (group > 0) {
                below1000(group, out);
                if (scale > 0) {
                    out.add(SCALES[scale]);
                }
            }
        }
    }

    private static void below1000(int n, List<String> out) {
        if (n >= 100) {
            out.add(SMALL[n / 100]);
            out.add("hundred");
            n %= 100;
        }
        if (n >= 20) {
            out.add(TENS[n / 10]);
            n %= 10;
            if (n > 0) {
                out.add(SMALL[n]);
            }
        } else if (n > 0) {
            out.add(SMALL[n]);
        }
    }

    private static void digitByDigit(String digits, List<String> out) {
        for (int i = 0; i < digits.length(); i++) {
            out.add(SMALL[digits.charAt(i) - '0']);
        }
    }
}
