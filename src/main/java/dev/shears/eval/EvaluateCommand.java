package dev.shears.eval;

import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.PruningOptions;
import dev.shears.runtime.EncoderModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code EvaluateCommand <wikiqa.tsv[.gz]> [--model LOCATION] [--sweep t1,t2,...]}: prints answer kept,
 * answer-sentence recall, compression and irrelevant-removed for the model's default settings, then for
 * each threshold of the sweep.
 */
public final class EvaluateCommand {

    static final String DEFAULT_SWEEP = "0.002,0.005,0.008,0.01,0.012,0.015,0.02,0.03,0.05,0.08,0.12,0.2,0.3";

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("model", "sweep"));
        if (cli.positional.size() != 1) {
            System.err.println("usage: EvaluateCommand <wikiqa.tsv[.gz]> [--model LOCATION] [--sweep t1,t2,...]");
            System.exit(2);
        }
        List<WikiQa.Question> questions = WikiQa.read(Path.of(cli.positional.get(0)));
        try (EncoderModel encoder = OfflineModels.encoder(cli.get("model", OfflineModels.DEFAULT_MODEL))) {
            ContextPruner pruner = OfflineModels.pruner(encoder);
            long started = System.nanoTime();
            PruningEvaluation.Metrics defaults = PruningEvaluation.run(pruner, questions, PruningOptions.defaults());
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("model %s, %d questions (%d answerable), %.1f s%n", pruner.model().id(), defaults.questions(),
                    defaults.answerable(), seconds);
            System.out.println("default settings:");
            System.out.println(PruningEvaluation.Metrics.header());
            System.out.println(defaults.row());
            System.out.println("sweep over thresholds:");
            System.out.println(PruningEvaluation.Metrics.header());
            for (double t : Arrays.stream(cli.get("sweep", DEFAULT_SWEEP).split(",")).mapToDouble(Double::parseDouble).toArray()) {
                System.out.println(PruningEvaluation.run(pruner, questions, PruningOptions.defaults().withThreshold(t)).row());
            }
        }
    }
}
