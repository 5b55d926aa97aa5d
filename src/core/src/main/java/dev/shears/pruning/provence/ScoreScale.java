package dev.shears.pruning.provence;

import java.util.Locale;

/** How a block's rank logit is reported as document relevance (algorithms.md §1.4 step 10). */
public enum ScoreScale {

    /** naver Provence: the raw logit, unbounded. */
    LOGIT,

    /** OpenProvence: {@code sigmoid(logit)} in (0, 1), and 0 when nothing of the document is kept. */
    SIGMOID;

    public double apply(double logit) {
        return this == LOGIT ? logit : 1.0 / (1.0 + Math.exp(-logit));
    }

    public static ScoreScale parse(String name) {
        if (name == null || name.isBlank()) {
            return SIGMOID;
        }
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
