package dev.shears.search;

import dev.shears.lm.LanguageModel;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Classification fitness through the {@link LanguageModel} SPI: for each example, the prompt with {@code {input}}
 * replaced by the example's input (appended after a newline when there is no placeholder) is continued by each
 * label word; the label words' log-likelihoods (summed over their tokens) are normalised over the label words
 * (log-softmax restricted to the verbalisers, as in the notes) and the fitness is the mean log-probability of the
 * correct label: 0 is perfect, {@code log(1/labels)} is chance.
 */
public final class LabelLikelihoodFitness implements PromptFitness {

    public static final String INPUT = "{input}";

    private final LanguageModel model;
    private final List<String> labelWords;
    private final List<LabeledExample> examples;
    private final int batchSize;

    public LabelLikelihoodFitness(LanguageModel model, List<String> labelWords, List<LabeledExample> examples,
            int batchSize) {
        if (labelWords.size() < 2) {
            throw new IllegalArgumentException("at least two label words are needed");
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("at least one example is needed");
        }
        for (LabeledExample e : examples) {
            if (e.label() >= labelWords.size()) {
                throw new IllegalArgumentException("label " + e.label() + " has no label word");
            }
        }
        this.model = model;
        this.labelWords = List.copyOf(labelWords);
        this.examples = List.copyOf(examples);
        this.batchSize = Math.max(1, batchSize);
    }

    /** The text the model reads for {@code example} before a label word. */
    public static String fill(String prompt, String input) {
        return prompt.contains(INPUT) ? prompt.replace(INPUT, input) : prompt + "\n" + input;
    }

    @Override
    public List<Double> evaluate(List<String> prompts) {
        List<ScoringRequest> all = new ArrayList<>();
        for (String p : prompts) {
            for (LabeledExample e : examples) {
                String filled = fill(p, e.input());
                for (String w : labelWords) {
                    all.add(new ScoringRequest(filled, w));
                }
            }
        }
        List<ScoredText> scored = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i += batchSize) {
            scored.addAll(model.score(all.subList(i, Math.min(all.size(), i + batchSize))));
        }
        List<Double> out = new ArrayList<>(prompts.size());
        int k = 0;
        int labels = labelWords.size();
        for (int p = 0; p < prompts.size(); p++) {
            double total = 0;
            for (LabeledExample e : examples) {
                double[] ll = new double[labels];
                double max = Double.NEGATIVE_INFINITY;
                for (int l = 0; l < labels; l++) {
                    ll[l] = scored.get(k++).sum();
                    max = Math.max(max, ll[l]);
                }
                double z = 0;
                for (double v : ll) {
                    z += Math.exp(v - max);
                }
                total += ll[e.label()] - max - Math.log(z);
            }
            out.add(total / examples.size());
        }
        return out;
    }
}
