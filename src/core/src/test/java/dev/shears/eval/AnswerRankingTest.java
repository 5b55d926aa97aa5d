package dev.shears.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.RelevanceModel;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerRankingTest {

    @Test
    void averagePrecisionAndReciprocalRankPerQuestionThenMean() {
        AnswerRanking r = new AnswerRanking()
                // answers ranked 1st and 3rd: AP = (1/1 + 2/3) / 2, RR = 1
                .add(new double[] {0.9, 0.7, 0.5, 0.1}, new boolean[] {true, false, true, false})
                // the only answer ranked 2nd: AP = RR = 1/2
                .add(new double[] {0.2, 0.8, 0.1}, new boolean[] {true, false, false})
                // no answer: not counted
                .add(new double[] {0.3, 0.4}, new boolean[] {false, false});
        AnswerRanking.Metrics m = r.metrics();
        assertEquals(2, m.questions());
        assertEquals(((1 + 2.0 / 3) / 2 + 0.5) / 2, m.map(), 1e-12);
        assertEquals((1 + 0.5) / 2, m.mrr(), 1e-12);
    }

    @Test
    void tiesKeepPassageOrder() {
        AnswerRanking.Metrics m = new AnswerRanking().add(new double[] {0, 0, 0}, new boolean[] {false, true, false}).metrics();
        assertEquals(0.5, m.map(), 1e-12);
    }

    @Test
    void runScoresTheGoldSentencesOfAnswerableQuestionsOnly() {
        // scores each sentence by its length: the longer answer sentence ranks first
        RelevanceModel byLength = new RelevanceModel() {
            public String id() {
                return "by-length";
            }

            public double defaultThreshold() {
                return 0;
            }

            public int countTokens(String text) {
                return text.length();
            }

            public List<DocumentScores> score(String query, List<SplitDocument> documents, StageClock clock) {
                return documents.stream().map(d -> {
                    double[] s = new double[d.size()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = d.sentence(i).length();
                    }
                    return new DocumentScores(s, new int[s.length]);
                }).toList();
            }
        };
        List<WikiQa.Question> questions = List.of(
                new WikiQa.Question("q1", "Which?", "T", List.of("Short.", "A much longer sentence."), List.of(false, true)),
                new WikiQa.Question("q2", "Which?", "T", List.of("A much longer sentence.", "Short."), List.of(false, true)),
                new WikiQa.Question("q3", "Which?", "T", List.of("No.", "Answers."), List.of(false, false)));
        AnswerRanking.Metrics m = AnswerRanking.run(byLength, questions);
        assertEquals(2, m.questions());
        assertEquals((1 + 0.5) / 2, m.map(), 1e-12);
    }
}
