package dev.shears.tools.eval;

import dev.shears.lm.ForwardingLanguageModel;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import dev.shears.onnx.lm.CachingLanguageModel;
import dev.shears.tools.CommandLine;
import dev.shears.tools.reasoning.Scorers;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.reasoning.ReasoningPruner;
import dev.shears.reasoning.ScoredStep;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code evaluate-reasoning <gsm8k.jsonl[.gz]> [--lm-location DIR] [--limit N] [--seeds K]}: prunes the first N
 * GSM8K solutions (default 500) at keep ratios 0.9 to 0.6 with three step scorers that share one model pass per
 * chain and ASAP's budget rule: first-token surprisal (ASAP, global and iterative), mean token surprisal
 * (SPIRIT-style) and random deletion (random log-probs on the same tokens, mean of K seeds, default 5). Prints a
 * Markdown table of needed-step recall, chains with every needed step kept and tokens saved (see
 * {@link Gsm8kChain} for which steps are needed), then how often iterative mode changes the kept set.
 */
public final class EvaluateReasoningCommand {

    static final double[] KEEP_RATIOS = {0.9, 0.8, 0.7, 0.6};
    static final String USAGE = "usage: evaluate-reasoning <gsm8k.jsonl[.gz]> [--lm-location DIR] [--limit N] [--seeds K]";

    private enum Scorer {
        FIRST_TOKEN("first-token surprisal (ASAP)"),
        MEAN_TOKEN("mean token surprisal (SPIRIT-style)"),
        RANDOM("random deletion"),
        ITERATIVE("first-token surprisal, iterative");

        final String label;

        Scorer(String label) {
            this.label = label;
        }
    }

    private EvaluateReasoningCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine.exitOnMisuse(USAGE, () -> run(args, System.out));
    }

    static void run(String[] args, PrintStream out) throws Exception {
        CommandLine cli = Scorers.commandLine(args, "limit", "seeds");
        if (cli.positional.size() != 1) {
            throw new IllegalArgumentException("give one GSM8K file");
        }
        int limit = Integer.parseInt(cli.get("limit", "500"));
        int seeds = Integer.parseInt(cli.get("seeds", "5"));
        List<Gsm8kChain> chains = Gsm8kChain.read(Path.of(cli.positional.get(0)), limit);
        try (LanguageModel model = Scorers.open(cli)) {
            long started = System.nanoTime();
            Evaluation e = evaluate(chains, new CachingLanguageModel(model, CACHE_BYTES), seeds);
            double seconds = (System.nanoTime() - started) / 1e9;
            out.println("command: java -jar src/tools/target/shears-tools.jar evaluate-reasoning "
                    + Stream.of(args).map(a -> a.contains(" ") ? "'" + a + "'" : a).collect(Collectors.joining(" ")));
            out.printf(Locale.ROOT, "chains: %d (the first %d of %s; %d skipped as longer than the scorer's context),"
                    + " %d steps of which %d needed; scorer %s, tokens are its tokens; random deletion: mean of %d seeds;"
                    + " %.1f s%n%n", e.evaluated, chains.size(), cli.positional.get(0), e.skipped, e.steps, e.needed,
                    model.id(), seeds, seconds);
            out.println("| scorer | keep ratio | needed-steps recall | all needed kept | tokens saved |");
            out.println("|---|---|---|---|---|");
            for (Scorer s : Scorer.values()) {
                for (int k = 0; k < KEEP_RATIOS.length; k++) {
                    out.println(e.tallies.get(s)[k].row(s.label, KEEP_RATIOS[k]));
                }
            }
            out.println();
            out.println("| keep ratio | chains where iterative mode changes the kept set |");
            out.println("|---|---|");
            for (int k = 0; k < KEEP_RATIOS.length; k++) {
                out.printf(Locale.ROOT, "| %.1f | %.3f |%n", KEEP_RATIOS[k], (double) e.iterativeChanged[k] / e.evaluated);
            }
        }
    }

    private static final class Evaluation {
        final Map<Scorer, Tally[]> tallies = new HashMap<>();
        final int[] iterativeChanged = new int[KEEP_RATIOS.length];
        int evaluated;
        int skipped;
        long steps;
        long needed;
    }

    /** Enough for every pass over one chain; older chains are evicted. */
    private static final long CACHE_BYTES = 64L << 20;

    private static Evaluation evaluate(List<Gsm8kChain> chains, LanguageModel model, int seeds) {
        Evaluation e = new Evaluation();
        for (Scorer s : Scorer.values()) {
            e.tallies.put(s, Stream.generate(Tally::new).limit(KEEP_RATIOS.length).toArray(Tally[]::new));
        }
        ReasoningPruner pruner = new ReasoningPruner(model);
        List<ReasoningPruner> random = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            random.add(new ReasoningPruner(new RandomLogProbs(model, seed)));
        }
        for (Gsm8kChain chain : chains) {
            ReasoningInput in = ReasoningInput.ofSteps(chain.question(), chain.steps()).withAnswer(chain.answer());
            try {
                pruner.prune(in, ReasoningOptions.keep(1.0));
            } catch (LanguageModelException tooLong) {
                if (tooLong.kind() != LanguageModelException.Kind.CONTEXT_TOO_LONG) {
                    throw tooLong;
                }
                e.skipped++;
                continue;
            }
            e.evaluated++;
            e.steps += chain.steps().size();
            e.needed += chain.neededCount();
            for (int k = 0; k < KEEP_RATIOS.length; k++) {
                ReasoningOptions global = ReasoningOptions.keep(KEEP_RATIOS[k]);
                PrunedReasoning asap = pruner.prune(in, global);
                PrunedReasoning iterative = pruner.prune(in, global.withMode(ReasoningOptions.Mode.ITERATIVE));
                e.tallies.get(Scorer.FIRST_TOKEN)[k].add(chain, asap);
                e.tallies.get(Scorer.ITERATIVE)[k].add(chain, iterative);
                e.tallies.get(Scorer.MEAN_TOKEN)[k].add(chain,
                        pruner.prune(in, global.withStatistic(ReasoningOptions.StepStatistic.MEAN_TOKEN)));
                for (ReasoningPruner r : random) {
                    // the same number of runs per chain, so the pooled tally is the mean over seeds
                    e.tallies.get(Scorer.RANDOM)[k].add(chain, r.prune(in, global));
                }
                if (!kept(asap).equals(kept(iterative))) {
                    e.iterativeChanged[k]++;
                }
            }
        }
        return e;
    }

    private static List<Boolean> kept(PrunedReasoning r) {
        return r.steps().stream().map(ScoredStep::kept).toList();
    }

    /** Pooled over chains: recall of needed steps, share of chains keeping all, and 1 - tokens after / before. */
    private static final class Tally {
        long needed;
        long neededKept;
        long tokensBefore;
        long tokensAfter;
        int runs;
        int allNeededKept;

        void add(Gsm8kChain chain, PrunedReasoning r) {
            int kept = 0;
            for (int i = 0; i < chain.steps().size(); i++) {
                if (chain.needed().get(i) && r.steps().get(i).kept()) {
                    kept++;
                }
            }
            needed += chain.neededCount();
            neededKept += kept;
            allNeededKept += kept == chain.neededCount() ? 1 : 0;
            tokensBefore += r.tokensBefore();
            tokensAfter += r.tokensAfter();
            runs++;
        }

        String row(String scorer, double ratio) {
            return String.format(Locale.ROOT, "| %s | %.1f | %.3f | %.3f | %.3f |", scorer, ratio,
                    needed == 0 ? 1.0 : (double) neededKept / needed, (double) allNeededKept / runs,
                    1 - (double) tokensAfter / tokensBefore);
        }
    }

    /**
     * The model's tokens with log-probs drawn at random, seeded by the seed and the request: the pruner then deletes
     * steps in random order under the same budget rule and token counts as the real scorers.
     */
    static final class RandomLogProbs extends ForwardingLanguageModel {
        private final long seed;

        RandomLogProbs(LanguageModel model, long seed) {
            super(model);
            this.seed = seed;
        }

        @Override
        public void close() {} // the owner closes the model

        @Override
        public List<ScoredText> score(List<ScoringRequest> batch) {
            List<ScoredText> real = delegate.score(batch);
            List<ScoredText> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Random random = new Random(seed * 1_000_003L + batch.get(i).hashCode());
                Function<TokenLogProb, TokenLogProb> redraw = t -> new TokenLogProb(t.tokenId(), t.token(), t.start(),
                        t.end(), Math.log(random.nextDouble()));
                out.add(new ScoredText(real.get(i).tokens().stream().map(redraw).toList()));
            }
            return out;
        }
    }
}
