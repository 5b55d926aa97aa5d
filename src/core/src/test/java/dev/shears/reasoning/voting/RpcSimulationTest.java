package dev.shears.reasoning.voting;

import static dev.shears.reasoning.voting.PathVoterTest.EQUAL;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulation of the RPC claim. Each question has the true answer "0"; a path is correct with probability q
 * (uniform in [0.3, 0.5] per question), else wrong, answers "1".."4" with weights 0.5/0.25/0.15/0.1 (a strong
 * distractor, so SC can converge to a wrong answer when q is low). Mean token probabilities overlap heavily: correct
 * N(0.66, 0.12), wrong N(0.60, 0.12), clamped to [0.02, 0.99] (with this weak signal PPL falls behind SC as n grows,
 * as in the paper). One path in ten repeats an earlier path's completion (and its probability).
 * Each question draws a pool of 64 paths; the n-path vote uses its first n (as the reference uses subsets of a pool).
 * Accuracy splits credit 1/#tied among tied top answers, as the reference evaluation does.
 */
class RpcSimulationTest {

    static final int QUESTIONS = 300, POOL = 64;
    static final int[] NS = {4, 8, 16, 32, 64};
    static final String[] WRONG = {"1", "2", "3", "4"};
    static final double[] WRONG_WEIGHTS = {0.5, 0.25, 0.15, 0.1};

    static List<ReasoningPath> pool(Random random, double correctMean, double wrongMean) {
        double q = 0.3 + 0.2 * random.nextDouble();
        List<ReasoningPath> paths = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            if (i > 0 && random.nextDouble() < 0.1) {
                paths.add(paths.get(random.nextInt(i)));
                continue;
            }
            boolean correct = random.nextDouble() < q;
            String answer = correct ? "0" : WRONG[pick(random, WRONG_WEIGHTS)];
            double p = (correct ? correctMean : wrongMean) + 0.12 * random.nextGaussian();
            paths.add(new ReasoningPath("path " + i, answer, Math.log(Math.min(0.99, Math.max(0.02, p)))));
        }
        return paths;
    }

    static int pick(Random random, double[] weights) {
        double u = random.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            if ((u -= weights[i]) < 0) return i;
        }
        return weights.length - 1;
    }

    /** 1/#tied if the correct answer is among the top classes by {@code key}, else 0. */
    static double credit(List<AnswerClass> classes, ToDoubleFunction<AnswerClass> key) {
        double top = classes.stream().mapToDouble(key).max().orElseThrow();
        List<AnswerClass> tied = classes.stream().filter(c -> key.applyAsDouble(c) == top).toList();
        return tied.stream().anyMatch(c -> c.answer().equals("0")) ? 1.0 / tied.size() : 0;
    }

    /** Accuracy per method (SC, PPL, PC, RPC) and n, and the mean number of pruned paths per n; prints the table. */
    static double[][] simulate(long seed, double correctMean, double wrongMean) {
        Random random = new Random(seed);
        double[][] acc = new double[5][NS.length]; // SC, PPL, PC, RPC, pruned
        for (int question = 0; question < QUESTIONS; question++) {
            List<ReasoningPath> pool = pool(random, correctMean, wrongMean);
            for (int j = 0; j < NS.length; j++) {
                List<ReasoningPath> paths = pool.subList(0, NS[j]);
                Vote pc = PathVoter.perplexityConsistency(paths, EQUAL);
                Vote rpc = PathVoter.vote(paths, EQUAL);
                acc[0][j] += credit(rpc.answers(), AnswerClass::votes);
                acc[1][j] += rpc.perplexity().answer().equals("0") ? 1 : 0;
                acc[2][j] += credit(pc.answers(), AnswerClass::score);
                acc[3][j] += credit(rpc.answers(), AnswerClass::score);
                acc[4][j] += rpc.pruned().size();
            }
        }
        StringBuilder table = new StringBuilder(String.format("correct N(%.2f), wrong N(%.2f)%n", correctMean, wrongMean))
                .append("n    SC     PPL    PC     RPC    pruned/question\n");
        for (int j = 0; j < NS.length; j++) {
            for (double[] row : acc) row[j] /= QUESTIONS;
            table.append(String.format("%-4d %.3f  %.3f  %.3f  %.3f  %.1f%n", NS[j], acc[0][j], acc[1][j], acc[2][j], acc[3][j], acc[4][j]));
        }
        System.out.print(table);
        return acc;
    }

    @Test
    void rpc_reaches_self_consistency_at_64_with_half_the_samples_and_beats_it_at_equal_n() {
        double[][] acc = simulate(20250201, 0.66, 0.60);
        int n32 = 3, n64 = 4;
        assertTrue(acc[3][n32] >= acc[0][n64] + 0.03, "RPC@32 vs SC@64");
        for (int j = 0; j < NS.length; j++) {
            assertTrue(acc[3][j] >= acc[0][j] + 0.03, "RPC vs SC at n=" + NS[j]);
            if (NS[j] >= WeibullMixture.MIN_PATHS) assertTrue(acc[3][j] >= acc[2][j] + 0.03, "RPC vs PC at n=" + NS[j]);
        }
    }

    /**
     * Finding, kept as a regression: when probability says nothing about correctness, pruning still drops ~40% of the
     * paths (the below-mean half of whatever the mixture calls low), so RPC trails SC, while PC stays level with SC.
     */
    @Test
    void without_a_probability_signal_pruning_costs_accuracy() {
        double[][] acc = simulate(20250202, 0.63, 0.63);
        int n64 = 4;
        assertTrue(acc[3][n64] <= acc[0][n64] - 0.03, "RPC trails SC at 64");
        for (int j = 0; j < NS.length; j++) assertTrue(Math.abs(acc[2][j] - acc[0][j]) <= 0.05, "PC vs SC at n=" + NS[j]);
    }
}
