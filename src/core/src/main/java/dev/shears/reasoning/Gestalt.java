package dev.shears.reasoning;

/**
 * Ratcliff/Obershelp "gestalt pattern matching" similarity, the ratio Python's {@code difflib.SequenceMatcher}
 * reports (without its auto-junk heuristic): 2 x matched characters / total characters, where matches are the
 * longest common substring and, recursively, the matches to its left and right. Written here because no
 * maintained JVM library offers this exact ratio, and ASAP's acceptance check is defined by it.
 */
public final class Gestalt {

    private Gestalt() {}

    public static double ratio(String a, String b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1.0;
        }
        return 2.0 * matches(a, 0, a.length(), b, 0, b.length()) / (a.length() + b.length());
    }

    private static int matches(String a, int aLo, int aHi, String b, int bLo, int bHi) {
        if (aLo >= aHi || bLo >= bHi) {
            return 0;
        }
        // longest common substring of a[aLo,aHi) and b[bLo,bHi), earliest in a then b on ties
        int bestLength = 0;
        int bestA = aLo;
        int bestB = bLo;
        int[] previous = new int[bHi - bLo + 1];
        int[] current = new int[bHi - bLo + 1];
        for (int i = aLo; i < aHi; i++) {
            for (int j = bLo; j < bHi; j++) {
                int k = j - bLo + 1;
                current[k] = a.charAt(i) == b.charAt(j) ? previous[k - 1] + 1 : 0;
                if (current[k] > bestLength) {
                    bestLength = current[k];
                    bestA = i - bestLength + 1;
                    bestB = j - bestLength + 1;
                }
            }
            int[] swap = previous;
            previous = current;
            current = swap;
            java.util.Arrays.fill(current, 0);
        }
        if (bestLength == 0) {
            return 0;
        }
        return bestLength + matches(a, aLo, bestA, b, bLo, bestB)
                + matches(a, bestA + bestLength, aHi, b, bestB + bestLength, bHi);
    }
}
