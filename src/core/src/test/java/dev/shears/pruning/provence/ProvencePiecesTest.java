package dev.shears.pruning.provence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProvencePiecesTest {

    /** keep-prob = (id mod 100) / 100, rank logit = sum of ids: answers known exactly. */
    static final TokenKeepModel FAKE = blocks -> blocks.stream().map(ids -> new TokenKeepModel.BlockOutput(
            Arrays.stream(ids).sum(), Arrays.stream(ids).mapToDouble(id -> (id % 100) / 100.0).toArray())).toList();

    static long[] range(long from, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = from + i;
        }
        return ids;
    }

    @Test
    void alignmentTokenizesSentencesAfterTheFirstWithALeadingSpace() {
        List<String> seen = new ArrayList<>();
        SentenceAlignment a = SentenceAlignment.of(List.of("Title\n", "First one.", "", " Already spaced."), s -> {
            seen.add(s);
            return range(s.length(), s.length());
        });
        assertEquals(List.of("Title\n", " First one.", " Already spaced."), seen);
        assertEquals(4, a.size());
        assertEquals(0, a.length(2));
        int[][] ranges = new int[4][];
        long[] all = a.concatenated(ranges);
        assertEquals(6 + 11 + 16, all.length);
        assertArrayEquals(new int[] {6, 17}, ranges[1]);
        assertArrayEquals(new int[] {17, 17}, ranges[2]);
    }

    @Test
    void packerPutsTheQueryInEveryBlockAndRespectsCapacity() {
        BlockPacker packer = BlockPacker.bert(64, 1, 2);
        long[] q = {5, 6, 7};
        assertEquals(32, packer.fragmentLength());
        assertEquals(64 - 2 - 3 - 1, packer.capacity(3));
        // sentence tokens: 20, 20, 70 (fragments 32, 32, 6), 10
        SentenceAlignment s = new SentenceAlignment(List.of(range(1000, 20), range(2000, 20), range(3000, 70), range(4000, 10)));
        List<BlockPacker.Block> blocks = packer.pack(q, s);
        for (BlockPacker.Block b : blocks) {
            assertTrue(b.ids().length <= 64);
            assertArrayEquals(new long[] {1, 5, 6, 7, 2}, Arrays.copyOf(b.ids(), 5), "query first, in every block");
            assertEquals(2, b.ids()[b.ids().length - 1]);
        }
        // greedy: [20 20] (+32 > 58) | [32] (+32 > 58) | [32 6 10]
        assertEquals(3, blocks.size());
        assertEquals(List.of(new BlockPacker.Fragment(0, 5, 20, 0), new BlockPacker.Fragment(1, 25, 20, 0)), blocks.get(0).fragments());
        assertEquals(List.of(new BlockPacker.Fragment(2, 5, 32, 0)), blocks.get(1).fragments());
        assertEquals(List.of(new BlockPacker.Fragment(2, 5, 32, 0), new BlockPacker.Fragment(2, 37, 6, 0),
                new BlockPacker.Fragment(3, 43, 10, 0)), blocks.get(2).fragments());
        assertEquals(3032, blocks.get(2).ids()[5]);
        assertEquals(4009, blocks.get(2).ids()[52]);
    }

    @Test
    void oversizeFragmentsAreTruncatedToCapacityAndLongQueriesToHalfTheLength() {
        BlockPacker packer = BlockPacker.bert(64, 1, 2);
        long[] q = range(10, 40); // truncated to 32 → capacity 29 < fragment length 32
        List<BlockPacker.Block> blocks = packer.pack(q, new SentenceAlignment(List.of(range(1000, 40))));
        assertEquals(2, blocks.size());
        assertEquals(new BlockPacker.Fragment(0, 34, 29, 3), blocks.get(0).fragments().get(0));
        assertEquals(new BlockPacker.Fragment(0, 34, 8, 0), blocks.get(1).fragments().get(0));
        assertEquals(64, blocks.get(0).ids().length);
    }

    @Test
    void scorerAveragesFragmentMeansAndTakesTheBestBlock() {
        BlockPacker packer = BlockPacker.bert(64, 1, 2);
        ProvenceScorer scorer = new ProvenceScorer(FAKE, packer, SentenceRounding.MEAN_PROB);
        long[] q = {5};
        // sentence 0: 40 tokens → fragments of 32 (ids 110..141) and 8 (142..149); both in one block? capacity 60:
        // [32] then 32+8=40 fits → block 0 holds both fragments, sentence 1 (30 tokens) opens block 1.
        SentenceAlignment s = new SentenceAlignment(List.of(range(110, 40), range(250, 30), new long[0]));
        PassageScores p = scorer.score(q, List.of(new ProvenceScorer.Passage(s, false))).get(0);
        double frag1 = 0;
        for (int i = 110; i < 142; i++) {
            frag1 += (i % 100) / 100.0;
        }
        frag1 /= 32;
        double frag2 = 0;
        for (int i = 142; i < 150; i++) {
            frag2 += (i % 100) / 100.0;
        }
        frag2 /= 8;
        assertEquals((frag1 + frag2) / 2, p.meanScores()[0], 1e-12);
        assertEquals(p.meanScores()[0], p.sentenceScores()[0], 0);
        assertEquals(0, p.sentenceScores()[2]);
        assertEquals(2, p.blocks());
        long block0 = 1 + 5 + 2 + Arrays.stream(range(110, 40)).sum() + 2;
        long block1 = 1 + 5 + 2 + Arrays.stream(range(250, 30)).sum() + 2;
        assertEquals(Math.max(block0, block1), p.rankLogit(), 0);
        assertEquals(40, p.tokenProbs()[0].length);
    }

    @Test
    void batchOfPassagesEqualsPassagesOneByOne() {
        ProvenceScorer scorer = new ProvenceScorer(FAKE, BlockPacker.bert(32, 1, 2), SentenceRounding.DECISION_AVG);
        List<ProvenceScorer.Passage> passages = List.of(
                new ProvenceScorer.Passage(new SentenceAlignment(List.of(range(10, 30), range(77, 5))), true),
                new ProvenceScorer.Passage(new SentenceAlignment(List.of()), false),
                new ProvenceScorer.Passage(new SentenceAlignment(List.of(range(300, 12))), false));
        long[] q = {3, 4};
        List<PassageScores> all = scorer.score(q, passages);
        for (int i = 0; i < passages.size(); i++) {
            PassageScores one = scorer.score(q, List.of(passages.get(i))).get(0);
            assertArrayEquals(one.sentenceScores(), all.get(i).sentenceScores(), 0);
            assertEquals(one.rankLogit(), all.get(i).rankLogit(), 0);
        }
        assertTrue(Double.isNaN(all.get(1).rankLogit()));
        assertEquals(0, all.get(1).relevance(ScoreScale.SIGMOID, new boolean[0]));
    }

    @Test
    void criticalThresholdMatchesEachRoundingRuleAtEveryThreshold() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            double[] p = new double[1 + random.nextInt(12)];
            for (int i = 0; i < p.length; i++) {
                p[i] = random.nextInt(4) == 0 ? random.nextInt(11) / 10.0 : random.nextDouble();
            }
            double mean = Arrays.stream(p).average().orElse(0);
            for (SentenceRounding rule : SentenceRounding.values()) {
                double critical = rule.criticalThreshold(mean, p);
                for (int k = 0; k <= 1000; k++) {
                    double t = k / 1000.0;
                    assertEquals(rule.keep(mean, p, t), t < critical, rule + " at " + t + " for " + Arrays.toString(p));
                }
                for (double t : p) {
                    assertEquals(rule.keep(mean, p, t), t < critical, rule + " at a token's own probability " + t);
                }
            }
        }
    }

    @Test
    void roundingRulesDisagreeWhereTheSpecSaysTheyDo() {
        double[] p = {0.9, 0.15, 0.12, 0.05, 0.05}; // mean 0.254
        double mean = Arrays.stream(p).average().orElse(0);
        double t = 0.1;
        assertTrue(SentenceRounding.MEAN_PROB.keep(mean, p, t));
        assertTrue(SentenceRounding.DECISION_AVG.keep(mean, p, t), "3/5 tokens > 0.1, 0.6 > 0.1");
        assertTrue(SentenceRounding.PAPER_MAJORITY.keep(mean, p, t), "3/5 > 0.5");
        t = 0.2;
        assertTrue(SentenceRounding.MEAN_PROB.keep(mean, p, t));
        assertFalse(SentenceRounding.DECISION_AVG.keep(mean, p, t), "1/5 tokens > 0.2 = 0.2, not > 0.2");
        assertFalse(SentenceRounding.PAPER_MAJORITY.keep(mean, p, t));
        assertEquals(0.12, SentenceRounding.PAPER_MAJORITY.criticalThreshold(mean, p), 0);
        assertEquals(0.2, SentenceRounding.DECISION_AVG.criticalThreshold(mean, p), 1e-12);
    }

    @Test
    void titleIsKeptOnlyWithAnotherSentenceAndSigmoidScoreIsZeroWhenEmpty() {
        PassageScores titled = new PassageScores(new double[3], new double[] {0.9, 0.05, 0.4}, new double[3][], 2.0, 1, true);
        assertArrayEquals(new boolean[] {true, false, true}, titled.keep(0.3));
        assertArrayEquals(new boolean[] {false, false, false}, titled.keep(0.5), "a title alone is dropped");
        assertEquals(1 / (1 + Math.exp(-2.0)), titled.relevance(ScoreScale.SIGMOID, titled.keep(0.3)), 1e-12);
        assertEquals(0.0, titled.relevance(ScoreScale.SIGMOID, titled.keep(0.5)));
        assertEquals(2.0, titled.relevance(ScoreScale.LOGIT, titled.keep(0.5)), "the logit scale reports the raw logit");
        PassageScores untitled = new PassageScores(new double[2], new double[] {0.9, 0.05}, new double[2][], -1.0, 1, false);
        assertArrayEquals(new boolean[] {true, false}, untitled.keep(0.5));
        assertEquals(-1.0, ScoreScale.LOGIT.apply(-1.0));
        assertEquals(0.5, ScoreScale.SIGMOID.apply(0), 0);
    }
}
