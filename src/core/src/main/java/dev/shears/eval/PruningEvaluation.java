package dev.shears.eval;

import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.ScoredSentence;
import java.util.List;

/**
 * Runs a {@link ContextPruner} over WikiQA questions (query = question, one document per question: the title
 * as title, the sentences joined as text) and measures what a RAG user cares about.
 */
public final class PruningEvaluation {

    /**
     * @param answerKept share of answerable questions whose pruned passage still holds at least one answer sentence
     * @param answerRecall share of all answer sentences kept
     * @param compression share of all passage characters removed
     * @param irrelevantRemoved share of characters removed from passages that hold no answer
     */
    public record Metrics(double threshold, int questions, int answerable, double answerKept, double answerRecall,
            double compression, double irrelevantRemoved) {

        public String row() {
            return String.format("%9.4f  %11.3f  %13.3f  %11.3f  %18.3f", threshold, answerKept, answerRecall,
                    compression, irrelevantRemoved);
        }

        public static String header() {
            return "threshold  answer_kept  answer_recall  compression  irrelevant_removed";
        }
    }

    private PruningEvaluation() {}

    /**
     * One question's passage judged sentence by sentence, for keep decisions made outside a {@link ContextPruner}
     * (e.g. scores computed straight from cached features).
     *
     * @param chars characters of each sentence
     * @param answer whether each sentence is an answer sentence
     * @param kept whether each sentence is kept
     */
    public record Decisions(boolean answerable, int[] chars, boolean[] answer, boolean[] kept) {}

    public static Metrics run(ContextPruner pruner, List<WikiQa.Question> questions, PruningOptions options) {
        Tally tally = new Tally();
        double threshold = Double.NaN;
        for (WikiQa.Question q : questions) {
            Document doc = new Document(q.id(), q.title(), q.passage());
            var result = pruner.prune(q.question(), List.of(doc), options);
            threshold = result.threshold();
            PrunedDocument pruned = result.documents().get(0);
            int answers = 0;
            int answersKept = 0;
            if (q.answerable()) {
                int[][] spans = q.sentenceSpans();
                for (int i = 0; i < spans.length; i++) {
                    if (q.labels().get(i)) {
                        answers++;
                        if (keptShare(pruned.sentences(), spans[i][0], spans[i][1]) >= 0.5) {
                            answersKept++;
                        }
                    }
                }
            }
            tally.add(q.answerable(), pruned.charsBefore(), pruned.charsBefore() - pruned.charsAfter(), answers, answersKept);
        }
        return tally.metrics(threshold);
    }

    /** The same metrics over precomputed per-sentence keep decisions, made at {@code threshold}. */
    public static Metrics run(double threshold, List<Decisions> questions) {
        Tally tally = new Tally();
        for (Decisions q : questions) {
            long chars = 0;
            long removed = 0;
            int answers = 0;
            int answersKept = 0;
            for (int i = 0; i < q.chars().length; i++) {
                chars += q.chars()[i];
                removed += q.kept()[i] ? 0 : q.chars()[i];
                if (q.answer()[i]) {
                    answers++;
                    answersKept += q.kept()[i] ? 1 : 0;
                }
            }
            tally.add(q.answerable(), chars, removed, answers, answersKept);
        }
        return tally.metrics(threshold);
    }

    /** Sums over questions; a question's answer counts only when it is answerable. */
    private static final class Tally {
        int questions;
        int answerable;
        int answerKept;
        int answers;
        int answersKept;
        long chars;
        long charsRemoved;
        long noAnswerChars;
        long noAnswerRemoved;

        void add(boolean isAnswerable, long before, long removed, int questionAnswers, int questionAnswersKept) {
            questions++;
            chars += before;
            charsRemoved += removed;
            if (!isAnswerable) {
                noAnswerChars += before;
                noAnswerRemoved += removed;
                return;
            }
            answerable++;
            answers += questionAnswers;
            answersKept += questionAnswersKept;
            if (questionAnswersKept > 0) {
                answerKept++;
            }
        }

        Metrics metrics(double threshold) {
            return new Metrics(threshold, questions, answerable, ratio(answerKept, answerable), ratio(answersKept, answers),
                    ratio(charsRemoved, chars), ratio(noAnswerRemoved, noAnswerChars));
        }
    }

    /** Share of the characters in [start, end) that lie in kept sentences. */
    static double keptShare(List<ScoredSentence> sentences, int start, int end) {
        return overlapShare(sentences.stream().filter(ScoredSentence::kept).map(s -> new int[] {s.start(), s.end()}).toList(),
                start, end);
    }

    /** Share of [start, end) covered by the given disjoint ranges. */
    public static double overlapShare(List<int[]> ranges, int start, int end) {
        if (end <= start) {
            return 0;
        }
        int covered = 0;
        for (int[] r : ranges) {
            covered += Math.max(0, Math.min(end, r[1]) - Math.max(start, r[0]));
        }
        return (double) covered / (end - start);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
