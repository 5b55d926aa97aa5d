package dev.shears.eval;

import dev.shears.pruning.Document;
import dev.shears.pruning.RelevanceModel;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import dev.shears.pruning.text.SpanKind;
import dev.shears.pruning.text.TextSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Answer-sentence selection metrics as WikiQA reports them: sentences ranked by score, MAP and MRR over the
 * questions that have at least one answer sentence. Equal scores keep passage order (the first sentence ranks
 * higher), so ties are broken the same way for every model.
 */
public final class AnswerRanking {

    /** Mean average precision and mean reciprocal rank over {@code questions} answerable questions. */
    public record Metrics(int questions, double map, double mrr) {
        public String row() {
            return String.format(java.util.Locale.ROOT, "MAP %.4f  MRR %.4f  (%d answerable questions)", map, mrr, questions);
        }
    }

    private final double[] sum = new double[2];
    private int questions;

    /** Adds one question; ignored when none of its sentences is an answer. */
    public AnswerRanking add(double[] scores, boolean[] answer) {
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        int found = 0;
        double precisionSum = 0;
        double reciprocal = 0;
        for (int rank = 0; rank < order.length; rank++) {
            if (answer[order[rank]]) {
                found++;
                precisionSum += (double) found / (rank + 1);
                if (found == 1) {
                    reciprocal = 1.0 / (rank + 1);
                }
            }
        }
        if (found > 0) {
            questions++;
            sum[0] += precisionSum / found;
            sum[1] += reciprocal;
        }
        return this;
    }

    /**
     * Ranks each answerable question's WikiQA sentences (the gold split, so every model ranks the same
     * candidates; the title as the document title) by the scores {@code model} gives them.
     */
    public static Metrics run(RelevanceModel model, List<WikiQa.Question> questions) {
        AnswerRanking ranking = new AnswerRanking();
        for (WikiQa.Question q : questions) {
            if (!q.answerable()) {
                continue;
            }
            // blank WikiQA sentences are no candidates (a splitter never yields them, and models skip them)
            List<TextSpan> spans = new ArrayList<>();
            List<Boolean> labels = new ArrayList<>();
            int[][] all = q.sentenceSpans();
            for (int i = 0; i < all.length; i++) {
                if (!q.sentences().get(i).isBlank()) {
                    spans.add(new TextSpan(all[i][0], all[i][1], all[i][1], SpanKind.PROSE));
                    labels.add(q.labels().get(i));
                }
            }
            SplitDocument doc = new SplitDocument(new Document(q.id(), q.title(), q.passage()), spans);
            double[] scores = model.score(q.question(), List.of(doc), StageClock.NONE).get(0).sentenceScores();
            boolean[] answer = new boolean[scores.length];
            for (int i = 0; i < answer.length; i++) {
                answer[i] = labels.get(i);
            }
            ranking.add(scores, answer);
        }
        return ranking.metrics();
    }

    public Metrics metrics() {
        return new Metrics(questions, questions == 0 ? 0 : sum[0] / questions, questions == 0 ? 0 : sum[1] / questions);
    }
}
