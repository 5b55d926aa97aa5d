package dev.shears.reasoning;

import dev.shears.lm.TokenLogProb;
import java.util.List;

/**
 * Each step's first token, its surprisal and its token count, read off one teacher-forced pass over the chain.
 * Tokens are matched to steps by their character offsets in the scored text, so nothing assumes that a prefix
 * tokenizes the same alone as inside the whole (BPE merges across a blank line are common): a step's first token
 * is the token that covers its first character, even when that token began in the separator before it.
 * A token counts toward the step its last character lies in, so a token that merges a blank line with the next
 * step's first word counts for that step, and a token of separator alone for the step before it.
 *
 * @param firstTokens the first token's text per step (null when no token covers the step)
 * @param surprisals  per step, in nats, the chosen statistic: {@code -log p} of the first token, or the mean
 *                    {@code -log p} of the step's tokens; NaN when the model gave no log-prob to count
 * @param tokens      tokens per step
 */
record StepScores(String[] firstTokens, double[] surprisals, int[] tokens) {

    static StepScores of(List<TokenLogProb> scored, List<Step> steps, ReasoningOptions.StepStatistic statistic) {
        int n = steps.size();
        String[] first = new String[n];
        double[] surprisal = new double[n];
        int[] count = new int[n];
        double[] surprisalSum = new double[n];
        int[] withLogProb = new int[n];
        java.util.Arrays.fill(surprisal, Double.NaN);
        int step = 0;
        for (TokenLogProb token : scored) {
            int last = Math.max(token.start(), token.end() - 1);
            while (step + 1 < n && last >= steps.get(step + 1).start()) {
                step++;
            }
            count[step]++;
            if (token.hasLogProb()) {
                surprisalSum[step] -= token.logProb();
                withLogProb[step]++;
            }
        }
        if (statistic == ReasoningOptions.StepStatistic.MEAN_TOKEN) {
            for (int s = 0; s < n; s++) {
                surprisal[s] = withLogProb[s] == 0 ? Double.NaN : surprisalSum[s] / withLogProb[s];
            }
        }
        int t = 0;
        for (int s = 0; s < n; s++) {
            Step span = steps.get(s);
            while (t < scored.size() && scored.get(t).end() <= span.start()) {
                t++;
            }
            if (t < scored.size() && scored.get(t).start() < span.contentEnd()) {
                TokenLogProb token = scored.get(t);
                first[s] = token.token();
                if (statistic == ReasoningOptions.StepStatistic.FIRST_TOKEN) {
                    surprisal[s] = token.hasLogProb() ? -token.logProb() : Double.NaN;
                }
            }
        }
        return new StepScores(first, surprisal, count);
    }

    int totalTokens() {
        int sum = 0;
        for (int t : tokens) {
            sum += t;
        }
        return sum;
    }
}
