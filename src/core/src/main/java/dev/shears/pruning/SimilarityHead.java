package dev.shears.pruning;

/**
 * Turns the cosine similarities of one document's sentences to the query into keep-probabilities. A cosine
 * alone is a poor keep signal (its level varies with the query and the page), so the head also looks at
 * where a sentence stands within its document: its margin to the best and to the mean sentence, its rank,
 * its position and its length. A logistic model over these features, fitted on labelled data
 * ({@link LogisticRegression}); weights live in the model manifest.
 */
public record SimilarityHead(double[] weights, double bias) {

    public static final String[] FEATURES = {
        "cosine", "margin_to_best", "margin_to_mean", "rank", "is_first", "position", "log_length"
    };

    public SimilarityHead {
        if (weights.length != FEATURES.length) {
            throw new IllegalArgumentException("similarity head needs " + FEATURES.length + " weights "
                    + String.join(", ", FEATURES) + "; got " + weights.length);
        }
    }

    public double[] probabilities(double[] cosines, int[] charLengths) {
        double[][] x = features(cosines, charLengths);
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double z = bias;
            for (int f = 0; f < weights.length; f++) {
                z += weights[f] * x[i][f];
            }
            p[i] = 1.0 / (1.0 + Math.exp(-z));
        }
        return p;
    }

    /** Feature rows, one per sentence, in {@link #FEATURES} order. */
    public static double[][] features(double[] cosines, int[] charLengths) {
        int n = cosines.length;
        double best = Double.NEGATIVE_INFINITY;
        double mean = 0;
        for (double c : cosines) {
            best = Math.max(best, c);
            mean += c;
        }
        mean /= Math.max(1, n);
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            int rank = 0;
            for (int j = 0; j < n; j++) {
                if (cosines[j] > cosines[i] || (cosines[j] == cosines[i] && j < i)) {
                    rank++;
                }
            }
            x[i] = new double[] {
                cosines[i],
                cosines[i] - best,
                cosines[i] - mean,
                Math.min(rank, 5) / 5.0,
                i == 0 ? 1 : 0,
                Math.min(i, 10) / 10.0,
                Math.log(charLengths[i] + 1.0) / 5.0
            };
        }
        return x;
    }
}
