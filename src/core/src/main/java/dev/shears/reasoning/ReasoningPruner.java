package dev.shears.reasoning;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.List;

/**
 * ASAP reasoning-step pruning on the {@link LanguageModel} SPI: cut the chain into steps, score each step's first
 * token given the question and every step before it in one teacher-forced pass, then delete the steps the model
 * found least surprising until the chain fits its token budget ({@link ReasoningOptions.StepStatistic#MEAN_TOKEN}
 * ranks by the mean surprisal of the step's tokens instead). The optional anchor-guided coarse stage runs
 * first and its result is what the fine stage prunes. The chain's final answer (the {@code answer} field, or the
 * chain's last step when there is none) and protected steps are never deleted.
 */
public final class ReasoningPruner {

    private final LanguageModel model;

    /** @param model the scorer; may be null when every chain comes with its own log-probs */
    public ReasoningPruner(LanguageModel model) {
        this.model = model;
    }

    /**
     * What comes before a chain (or a sampled path) when a model scores or writes it: the question and a blank line.
     * Step pruning, path voting and their evaluations all condition on this same prefix.
     */
    public static String prefix(String question) {
        return question + "\n\n";
    }

    public PrunedReasoning prune(ReasoningInput in, ReasoningOptions options) {
        if (in.question() == null || in.question().isBlank()) {
            throw ShearsException.invalid("'question' is required");
        }
        String text = in.reasoning() == null ? "" : in.reasoning();
        List<Step> steps = in.steps() != null ? in.steps() : StepSplitter.split(text);
        if (steps.isEmpty()) {
            throw ShearsException.invalid("the reasoning has no steps: it is empty or blank");
        }
        int n = steps.size();
        boolean[] protect = new boolean[n];
        for (int i : in.protectedSteps()) {
            if (i < 0 || i >= n) {
                throw ShearsException.invalid("protected step " + i + " does not exist: the reasoning has " + n + " steps");
            }
            protect[i] = true;
        }
        if (in.answer() == null) {
            protect[n - 1] = true; // the chain's conclusion
        }
        boolean client = in.clientLogProbs() != null;
        if (client && options.mode() == ReasoningOptions.Mode.ITERATIVE) {
            throw ShearsException.invalid("mode 'iterative' re-scores the shortened chain, which client log-probs"
                    + " cannot do; use mode 'global' or leave out 'logprobs'");
        }
        if (!client && model == null) {
            throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, "no scoring model is configured; send 'logprobs'");
        }
        String prefix = prefix(in.question());
        StepScores whole = StepScores.of(client ? in.clientLogProbs() : score(prefix, text), steps,
                options.statistic());
        int before = whole.totalTokens();
        int budget = options.budget(before);

        CoarseStage.Result coarse = CoarseStage.run(in.question(), text, steps, protect, in.anchor(), client ? null : model,
                options.generateAnchor());
        boolean[] kept = coarse.kept().clone();
        String[] removedBy = new String[n];
        for (int i = 0; i < n; i++) {
            removedBy[i] = kept[i] ? null : "coarse";
        }
        double[] surprisals = whole.surprisals().clone();
        String[] firstTokens = whole.firstTokens().clone();
        boolean rescore = coarse.outcome().stepsRemoved() > 0 && !client;
        while (true) {
            if (rescore) {
                rescore(prefix, text, steps, kept, surprisals, firstTokens, options.statistic());
            }
            if (options.mode() == ReasoningOptions.Mode.GLOBAL) {
                boolean[] fine = StepSelector.select(surprisals, whole.tokens(), protect, kept, budget);
                for (int i = 0; i < n; i++) {
                    if (kept[i] && !fine[i]) {
                        removedBy[i] = "surprisal";
                    }
                }
                kept = fine;
                break;
            }
            int next = StepSelector.next(surprisals, whole.tokens(), protect, kept, budget);
            if (next < 0) {
                break;
            }
            kept[next] = false;
            removedBy[next] = "surprisal";
            rescore = true;
        }
        return result(text, steps, whole, surprisals, firstTokens, kept, protect, removedBy, budget,
                client ? "client" : model.id(), options.mode(), coarse.outcome());
    }

    private List<TokenLogProb> score(String prefix, String chain) {
        return model.score(List.of(new ScoringRequest(prefix, chain))).get(0).tokens();
    }

    /** Scores the kept steps as one chain and writes their new first tokens and surprisals back by index. */
    private void rescore(String prefix, String text, List<Step> steps, boolean[] kept, double[] surprisals,
            String[] firstTokens, ReasoningOptions.StepStatistic statistic) {
        StringBuilder chain = new StringBuilder();
        List<Step> spans = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (kept[i]) {
                int start = chain.length();
                chain.append(steps.get(i).content(text));
                int contentEnd = chain.length();
                chain.append(steps.get(i).separator(text));
                spans.add(new Step(start, contentEnd, chain.length()));
                index.add(i);
            }
        }
        if (index.isEmpty()) {
            return; // iterative mode removed every step (an answer field leaves none protected)
        }
        StepScores scores = StepScores.of(score(prefix, chain.toString()), spans, statistic);
        for (int k = 0; k < index.size(); k++) {
            surprisals[index.get(k)] = scores.surprisals()[k];
            firstTokens[index.get(k)] = scores.firstTokens()[k];
        }
    }

    private static PrunedReasoning result(String text, List<Step> steps, StepScores whole, double[] surprisals,
            String[] firstTokens, boolean[] kept, boolean[] protect, String[] removedBy, int budget, String scorer,
            ReasoningOptions.Mode mode, PrunedReasoning.Coarse coarse) {
        StringBuilder pruned = new StringBuilder();
        List<ScoredStep> out = new ArrayList<>(steps.size());
        int after = 0;
        int lastKept = -1;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (kept[i]) {
                if (lastKept >= 0) {
                    pruned.append(steps.get(lastKept).separator(text));
                }
                pruned.append(step.content(text));
                after += whole.tokens()[i];
                lastKept = i;
            }
            out.add(new ScoredStep(step.start(), step.contentEnd(), step.content(text), firstTokens[i], surprisals[i],
                    whole.tokens()[i], kept[i], protect[i], removedBy[i]));
        }
        return new PrunedReasoning(pruned.toString(), out, whole.totalTokens(), after, budget, scorer, mode, coarse);
    }
}
