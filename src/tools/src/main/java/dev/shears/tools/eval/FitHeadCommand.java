package dev.shears.tools.eval;

import dev.shears.tools.CommandLine;

import dev.shears.onnx.encoder.OfflineModels;

import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;

import dev.shears.onnx.encoder.EmbeddingCache;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.LogisticRegression;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.SimilarityHead;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.pruning.text.SentenceSplitter;
import dev.shears.pruning.text.TextSpan;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.BiEncoderRelevanceModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code FitHeadCommand <wikiqa-train.tsv[.gz]> [--model LOCATION] [--target-answer-kept 0.96]}: fits the
 * similarity head of a bi-encoder on labelled questions and picks the highest threshold that still keeps an
 * answer for the target share of answerable training questions. Prints the manifest's {@code sentence_head}
 * block. Deterministic: same data and model, same weights.
 */
public final class FitHeadCommand {

    static final int ITERATIONS = 20_000;
    static final double LEARNING_RATE = 2.0;
    static final double L2 = 1e-4;

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("model", "target-answer-kept"));
        if (cli.positional.size() != 1) {
            System.err.println("usage: FitHeadCommand <wikiqa-train.tsv[.gz]> [--model LOCATION] [--target-answer-kept 0.96]");
            System.exit(2);
        }
        Path data = Path.of(cli.positional.get(0));
        double target = Double.parseDouble(cli.get("target-answer-kept", "0.96"));
        try (EncoderModel encoder = OfflineModels.encoder(cli.get("model", OfflineModels.DEFAULT_MODEL))) {
            Fitted fitted = fit(encoder, data, target);
            System.out.printf(Locale.ROOT, "fitted on %s: %d sentences, %d positive; at threshold %.3f: answer kept %.3f, compression %.3f%n",
                    data.getFileName(), fitted.sentences(), fitted.positives(), fitted.threshold(),
                    fitted.atThreshold().answerKept(), fitted.atThreshold().compression());
            System.out.println(fitted.json());
        }
    }

    /** A fitted head, its threshold, how it does there on the training data, and its manifest block. */
    public record Fitted(SimilarityHead head, double threshold, PruningEvaluation.Metrics atThreshold, int sentences,
            int positives, String json) {}

    /**
     * Fits the head of {@code encoder} on the labelled questions in {@code data} and picks the highest threshold
     * keeping an answer for {@code targetAnswerKept} of the answerable ones.
     */
    public static Fitted fit(EncoderModel encoder, Path data, double targetAnswerKept) throws java.io.IOException {
        List<WikiQa.Question> questions = WikiQa.read(data);
        EmbeddingCache cache = new EmbeddingCache(512L << 20);
        SentenceSplitter splitter = new DefaultSentenceSplitter();
        var raw = new BiEncoderRelevanceModel(encoder, new SimilarityHead(new double[SimilarityHead.FEATURES.length], 0), 0, cache);
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (WikiQa.Question q : questions) {
            SplitDocument doc = new SplitDocument(new Document(q.id(), q.title(), q.passage()), splitter.split(q.passage()));
            if (doc.size() == 0) {
                continue;
            }
            double[] cosines = raw.cosines(q.question(), List.of(doc), StageClock.NONE).get(0);
            int[] lengths = doc.sentences().stream().mapToInt(s -> s.contentEnd() - s.start()).toArray();
            rows.addAll(Arrays.asList(SimilarityHead.features(cosines, lengths)));
            for (TextSpan span : doc.sentences()) {
                labels.add(isAnswer(q, span) ? 1 : 0);
            }
        }
        double[] fitted = LogisticRegression.fit(rows.toArray(double[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray(), ITERATIONS, LEARNING_RATE, L2);
        SimilarityHead head = new SimilarityHead(Arrays.copyOf(fitted, fitted.length - 1), fitted[fitted.length - 1]);
        var model = new BiEncoderRelevanceModel(encoder, head, 0, cache);
        ContextPruner pruner = new ContextPruner(splitter, model);
        double chosen = 0;
        for (double t = 0.001; t <= 0.5; t += 0.001) {
            PruningEvaluation.Metrics m = PruningEvaluation.run(pruner, questions, PruningOptions.defaults().withThreshold(t));
            if (m.answerKept() < targetAnswerKept) {
                break;
            }
            chosen = t;
        }
        PruningEvaluation.Metrics atChosen = PruningEvaluation.run(pruner, questions, PruningOptions.defaults().withThreshold(chosen));
        return new Fitted(head, chosen, atChosen, labels.size(), labels.stream().mapToInt(Integer::intValue).sum(),
                json(head, chosen, data, targetAnswerKept, rows.size()));
    }

    /** A span is an answer when at least half of its characters lie in sentences labelled as answers. */
    static boolean isAnswer(WikiQa.Question q, TextSpan span) {
        int[][] spans = q.sentenceSpans();
        List<int[]> answers = new ArrayList<>();
        for (int i = 0; i < spans.length; i++) {
            if (q.labels().get(i)) {
                answers.add(spans[i]);
            }
        }
        return PruningEvaluation.overlapShare(answers, span.start(), span.contentEnd()) >= 0.5;
    }

    private static String json(SimilarityHead head, double threshold, Path data, double target, int rows) {
        StringBuilder w = new StringBuilder();
        for (double x : head.weights()) {
            w.append(w.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", x));
        }
        return String.format(Locale.ROOT, """
                "sentence_head": {
                  "features": ["%s"],
                  "weights": [%s],
                  "bias": %.6f,
                  "default_threshold": %.3f,
                  "training": {
                    "data": "%s",
                    "sentences": %d,
                    "method": "logistic regression, batch gradient descent, %d iterations, learning rate %.1f, L2 %.0e",
                    "threshold_rule": "highest threshold keeping an answer for >= %.2f of answerable training questions"
                  }
                }""", String.join("\", \"", SimilarityHead.FEATURES), w, head.bias(), threshold, data.getFileName(),
                rows, ITERATIONS, LEARNING_RATE, L2, target);
    }
}
