package dev.shears.tools.eval;

import dev.shears.eval.AnswerRanking;
import dev.shears.eval.PruningEvaluation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the scored sentences of a list of WikiQA questions are: per sentence its question, length, answer label
 * and whether it is the title sentence (scored, never emitted); per question its first sentence, count and
 * whether it is answerable. Turns per-sentence scores into the pruning metrics and the answer-ranking metrics.
 */
public record PassageLayout(int[] sentenceQuestion, int[] sentenceChars, boolean[] sentenceAnswer, boolean[] sentenceTitle,
        int[] questionFirstSentence, int[] questionSentences, boolean[] questionAnswerable) implements Serializable {

    public int questions() {
        return questionAnswerable.length;
    }

    public int sentences() {
        return sentenceQuestion.length;
    }

    /**
     * Pruning metrics with a sentence kept when its score is above {@code t} (the {@code mean_prob} rule); title
     * sentences do not count; only questions with {@code include[q]} (all when null).
     */
    public PruningEvaluation.Metrics metrics(double[] sentenceScore, boolean[] include, double t) {
        List<PruningEvaluation.Decisions> out = new ArrayList<>();
        for (int q = 0; q < questions(); q++) {
            if (include == null || include[q]) {
                int[] s = passageSentences(q);
                int[] chars = new int[s.length];
                boolean[] answer = new boolean[s.length];
                boolean[] kept = new boolean[s.length];
                for (int k = 0; k < s.length; k++) {
                    chars[k] = sentenceChars[s[k]];
                    answer[k] = sentenceAnswer[s[k]];
                    kept[k] = sentenceScore[s[k]] > t;
                }
                out.add(new PruningEvaluation.Decisions(questionAnswerable[q], chars, answer, kept));
            }
        }
        return PruningEvaluation.run(t, out);
    }

    /** MAP and MRR of the passage sentences ranked by score, over the answerable questions (title excluded). */
    public AnswerRanking.Metrics ranking(double[] sentenceScore, boolean[] include) {
        AnswerRanking r = new AnswerRanking();
        for (int q = 0; q < questions(); q++) {
            if (include == null || include[q]) {
                int[] s = passageSentences(q);
                double[] scores = new double[s.length];
                boolean[] answer = new boolean[s.length];
                for (int k = 0; k < s.length; k++) {
                    scores[k] = sentenceScore[s[k]];
                    answer[k] = sentenceAnswer[s[k]];
                }
                r.add(scores, answer);
            }
        }
        return r.metrics();
    }

    /** Indices of question q's passage sentences (its title sentence left out). */
    private int[] passageSentences(int q) {
        int first = questionFirstSentence[q];
        return java.util.stream.IntStream.range(first, first + questionSentences[q]).filter(i -> !sentenceTitle[i]).toArray();
    }
}
