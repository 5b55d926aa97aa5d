package dev.shears.lm;

import java.util.List;

/** The scored tokens of one {@link ScoringRequest}'s continuation, in order. */
public record ScoredText(List<TokenLogProb> tokens) {
    public ScoredText {
        tokens = List.copyOf(tokens);
    }

    /** Sum of the defined log-probs (NaN entries are skipped); 0 when none. */
    public double sum() {
        double s = 0;
        for (TokenLogProb t : tokens) {
            if (t.hasLogProb()) {
                s += t.logProb();
            }
        }
        return s;
    }

    /** Mean of the defined log-probs (NaN entries are skipped); NaN when none is defined. */
    public double mean() {
        int n = 0;
        for (TokenLogProb t : tokens) {
            if (t.hasLogProb()) {
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum() / n;
    }
}
