package dev.shears.tools.eval;

import dev.shears.tools.CommandLine;
import dev.shears.tools.bench.ThroughputBench;

import dev.shears.onnx.encoder.OfflineModels;

import dev.shears.eval.AnswerRanking;
import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;

import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.Vectors;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.provence.OnnxProvenceModel;
import dev.shears.onnx.provence.ProvenceRelevanceModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code EvaluateCommand <wikiqa.tsv[.gz]> [--model LOCATION] [--sweep t1,t2,...] [--baseline true|false]
 * [--reference LOCATION]}: prints
 * answer kept, answer-sentence recall, compression and irrelevant-removed for the model's default settings,
 * then for each threshold of the sweep. A model whose manifest says {@code task: "provence"} is run as a
 * Provence-style pruner ({@link ProvenceRelevanceModel}); any other as the bi-encoder default. The first pass
 * (default settings) is timed without caches and reported as inference cost per passage; for a Provence model
 * the bi-encoder default is timed on the same passages next to it (unless {@code --baseline false}).
 * With {@code --reference} (a bi-encoder, e.g. the unpruned model of a pruned one) it also prints the embedding
 * drift: the cosine between the two models' embeddings of every passage sentence ("title. sentence", as the
 * pruner embeds it), mean and 5th percentile, both models served one sequence per pass.
 */
public final class EvaluateCommand {

    static final String DEFAULT_SWEEP = "0.002,0.005,0.008,0.01,0.012,0.015,0.02,0.03,0.05,0.08,0.12,0.2,0.3";
    static final String PROVENCE_SWEEP = "0.001,0.002,0.003,0.005,0.007,0.01,0.015,0.02,0.03,0.05,0.07,0.1,0.13,0.16,0.2,0.3,0.4,0.5";

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("model", "sweep", "baseline", "reference"));
        if (cli.positional.size() != 1) {
            System.err.println("usage: EvaluateCommand <wikiqa.tsv[.gz]> [--model LOCATION] [--sweep t1,t2,...] [--baseline true|false]"
                    + " [--reference LOCATION]");
            System.exit(2);
        }
        List<WikiQa.Question> questions = WikiQa.read(Path.of(cli.positional.get(0)));
        String location = cli.get("model", OfflineModels.DEFAULT_MODEL);
        ModelManifest manifest = ModelLocation.parse(location).manifest();
        if (ModelManifest.TASK_PROVENCE.equals(manifest.task())) {
            try (OnnxProvenceModel model = OnnxProvenceModel.load(ModelLocation.parse(location), RuntimeOptions.defaults())) {
                ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(),
                        new CachingRelevanceModel(ProvenceRelevanceModel.of(model)));
                report(pruner, questions, cli.get("sweep", PROVENCE_SWEEP));
                // uncached: the caches key on the document's text, and the gold split differs from the splitter's
                System.out.println("sentence ranking (gold WikiQA sentences): "
                        + AnswerRanking.run(ProvenceRelevanceModel.of(model), questions).row());
            }
            if (Boolean.parseBoolean(cli.get("baseline", "true"))) {
                try (EncoderModel encoder = OfflineModels.encoder(OfflineModels.DEFAULT_MODEL)) {
                    ContextPruner baseline = OfflineModels.pruner(encoder);
                    System.out.println("baseline for cost and quality: bi-encoder default");
                    timed(baseline, questions);
                    System.out.println("sentence ranking (gold WikiQA sentences): "
                            + AnswerRanking.run(OfflineModels.pruner(encoder).model(), questions).row());
                }
            }
        } else {
            try (EncoderModel encoder = OfflineModels.encoder(location)) {
                report(OfflineModels.pruner(encoder), questions, cli.get("sweep", DEFAULT_SWEEP));
                System.out.println("sentence ranking (gold WikiQA sentences): "
                        + AnswerRanking.run(OfflineModels.pruner(encoder).model(), questions).row());
                String reference = cli.get("reference", null);
                if (reference != null) {
                    Drift d = drift(encoder, reference, questions);
                    System.out.printf(Locale.ROOT, "embedding drift against %s over %d passage sentences: cosine mean %.4f,"
                            + " 5th percentile %.4f, min %.4f%n", reference, d.sentences(), d.mean(), d.p5(), d.min());
                }
            }
        }
    }

    /** Cosine between two encoders' embeddings of the same sentences: mean, 5th percentile and minimum. */
    public record Drift(int sentences, double mean, double p5, double min) {}

    /** Drift of {@code encoder} against the reference over every passage sentence ("title. sentence"). */
    public static Drift drift(EncoderModel encoder, String reference, List<WikiQa.Question> questions) {
        List<String> sentences = ThroughputBench.work(questions).passageInputs().stream().flatMap(List::stream).toList();
        float[][] ours = encoder.embedTexts(sentences);
        float[][] theirs;
        try (EncoderModel ref = OfflineModels.encoder(reference)) {
            theirs = ref.embedTexts(sentences);
        }
        double[] cosines = new double[sentences.size()];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = Vectors.cosine(ours[i], theirs[i]);
        }
        Arrays.sort(cosines);
        return new Drift(cosines.length, Arrays.stream(cosines).average().orElse(0),
                cosines[(int) Math.floor(0.05 * (cosines.length - 1))], cosines[0]);
    }

    private static void report(ContextPruner pruner, List<WikiQa.Question> questions, String sweep) {
        timed(pruner, questions);
        System.out.println("sweep over thresholds:");
        System.out.println(PruningEvaluation.Metrics.header());
        for (double t : Arrays.stream(sweep.split(",")).mapToDouble(Double::parseDouble).toArray()) {
            System.out.println(PruningEvaluation.run(pruner, questions, PruningOptions.defaults().withThreshold(t)).row());
        }
    }

    private static PruningEvaluation.Metrics timed(ContextPruner pruner, List<WikiQa.Question> questions) {
        long started = System.nanoTime();
        PruningEvaluation.Metrics defaults = PruningEvaluation.run(pruner, questions, PruningOptions.defaults());
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "model %s, %d questions (%d answerable), %.1f s, %.1f ms per passage (one passage per"
                + " request, %d cores)%n", pruner.model().id(), defaults.questions(), defaults.answerable(), seconds,
                1000 * seconds / defaults.questions(), Runtime.getRuntime().availableProcessors());
        System.out.println("default settings:");
        System.out.println(PruningEvaluation.Metrics.header());
        System.out.println(defaults.row());
        return defaults;
    }
}
