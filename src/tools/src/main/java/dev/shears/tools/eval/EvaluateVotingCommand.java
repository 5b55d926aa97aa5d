package dev.shears.tools.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.reasoning.ReasoningPruner;
import dev.shears.reasoning.answers.AnswerEquivalence;
import dev.shears.reasoning.answers.AnswerExtractor;
import dev.shears.reasoning.answers.AnswerExtractors;
import dev.shears.reasoning.voting.AnswerClass;
import dev.shears.reasoning.voting.PathVoter;
import dev.shears.reasoning.voting.ReasoningPath;
import dev.shears.reasoning.voting.Vote;
import dev.shears.tools.CommandLine;
import dev.shears.tools.reasoning.Scorers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * {@code evaluate-voting}: accuracy and expected calibration error of self-consistency (SC), perplexity (PPL),
 * perplexity consistency (PC) and RPC over sampled reasoning paths, at every number of paths n from 2 up. For each
 * question and n, every subset of n paths is voted on (or {@code --subsets K} seeded ones when there are more), so
 * small n is not decided by which paths came first. A tie shares credit ({@code 1/#tied}, as the RPC code scores
 * it); ECE uses 10 equal-width bins of the winner's confidence.
 *
 * <p>Input lines: {@code {"question", "paths": [{"text", "answer"?, "mean_logprob"?}], "gold"}}, or the GSM8K
 * model-solutions shape {@code {"question", "ground_truth", "<model>": {"solution", "is_correct"}, ...}}. Paths
 * without {@code mean_logprob} are scored after the question by the scorer (the embedded trigram by default).
 */
public final class EvaluateVotingCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BiPredicate<String, String> EQUAL = AnswerEquivalence::equivalent;
    private static final String USAGE = "usage: evaluate-voting <paths.jsonl[.gz]> [--lm-location DIR | --remote-url URL]"
            + " [--limit N] [--subsets K] [--seed S]";

    enum Method {
        SC("self-consistency (SC)"), PPL("perplexity (PPL)"), PC("perplexity consistency (PC)"), RPC("RPC (pruning + PC)");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /** One question: its paths (answers extracted, probabilities known) and its gold answer. */
    record Question(List<ReasoningPath> paths, String gold, int flaggedCorrect) {}

    private EvaluateVotingCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine.exitOnMisuse(USAGE, () -> run(args, System.out));
    }

    static void run(String[] args, PrintStream out) throws Exception {
        CommandLine cli = Scorers.commandLine(args, "limit", "subsets", "seed");
        if (cli.positional.size() != 1) {
            throw new IllegalArgumentException("give one JSONL file");
        }
        int limit = Integer.parseInt(cli.get("limit", "1000000"));
        int subsets = Integer.parseInt(cli.get("subsets", "10"));
        long seed = Long.parseLong(cli.get("seed", "0"));
        long started = System.nanoTime();
        List<Question> questions;
        String scorer;
        try (LanguageModel model = Scorers.open(cli)) {
            questions = read(Path.of(cli.positional.get(0)), limit, model);
            scorer = model.id();
        }
        int maxN = questions.stream().mapToInt(q -> q.paths().size()).min().orElse(0);
        out.println("command: java -jar src/tools/target/shears-tools.jar evaluate-voting "
                + Stream.of(args).collect(Collectors.joining(" ")));
        long oracle = questions.stream().filter(q -> q.paths().stream().anyMatch(p -> correct(p.answer(), q.gold()))).count();
        long agree = questions.stream().filter(q -> q.flaggedCorrect() >= 0).count();
        out.printf(Locale.ROOT, "questions: %d, paths per question: %d; path probabilities: mean token log-prob under %s;"
                + " at least one path correct: %.3f%n", questions.size(), maxN, scorer, (double) oracle / questions.size());
        if (agree > 0) {
            long same = questions.stream().filter(q -> q.flaggedCorrect() >= 0)
                    .filter(q -> q.flaggedCorrect() == q.paths().stream().filter(p -> correct(p.answer(), q.gold())).count())
                    .count();
            out.printf(Locale.ROOT, "answer extraction and equivalence agree with the data's is_correct flags on %.3f of"
                    + " questions%n", (double) same / agree);
        }
        out.println();
        out.println("| method | n | accuracy | ECE |");
        out.println("|---|---|---|---|");
        for (Method m : Method.values()) {
            for (int n = 2; n <= maxN; n++) {
                double[] result = evaluate(questions, m, n, subsets, seed);
                out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f |%n", m.label, n, result[0], result[1]);
            }
        }
        out.printf(Locale.ROOT, "%n%.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** Accuracy and ECE of one method at n paths, over every question's subsets. */
    static double[] evaluate(List<Question> questions, Method method, int n, int subsets, long seed) {
        Calibration calibration = new Calibration(10);
        for (Question q : questions) {
            for (int[] subset : subsets(q.paths().size(), n, subsets, new Random(seed * 31 + q.paths().hashCode()))) {
                List<ReasoningPath> paths = new ArrayList<>(n);
                for (int i : subset) {
                    paths.add(q.paths().get(i));
                }
                double[] outcome = outcome(paths, q.gold(), method);
                calibration.add(outcome[0], outcome[1]);
            }
        }
        return new double[] {calibration.accuracy(), calibration.ece()};
    }

    /** [confidence of the pick, credit in [0, 1]]. */
    static double[] outcome(List<ReasoningPath> paths, String gold, Method method) {
        Vote vote = method == Method.PC ? PathVoter.perplexityConsistency(paths, EQUAL) : PathVoter.vote(paths, EQUAL);
        return switch (method) {
            case PC, RPC -> new double[] {vote.confidence(), credit(vote.tied(), gold)};
            case SC -> {
                int top = vote.answers().stream().mapToInt(AnswerClass::votes).max().orElse(0);
                List<AnswerClass> tied = vote.answers().stream().filter(c -> c.votes() == top).toList();
                yield new double[] {vote.selfConsistency().confidence(), credit(tied, gold)};
            }
            case PPL -> new double[] {vote.perplexity().confidence(), correct(vote.perplexity().answer(), gold) ? 1 : 0};
        };
    }

    private static double credit(List<AnswerClass> tied, String gold) {
        if (tied.isEmpty()) {
            return 0;
        }
        return tied.stream().filter(c -> correct(c.answer(), gold)).count() / (double) tied.size();
    }

    static boolean correct(String answer, String gold) {
        return answer != null && gold != null && EQUAL.test(answer, gold);
    }

    /** Every n-subset of {@code size} indices when there are at most {@code max}, else {@code max} random ones. */
    static List<int[]> subsets(int size, int n, int max, Random random) {
        List<int[]> all = new ArrayList<>();
        combinations(size, n, 0, new int[n], 0, all, max + 1);
        if (all.size() <= max) {
            return all;
        }
        List<int[]> drawn = new ArrayList<>(max);
        for (int k = 0; k < max; k++) {
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                indices.add(i);
            }
            java.util.Collections.shuffle(indices, random);
            drawn.add(indices.subList(0, n).stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        return drawn;
    }

    private static void combinations(int size, int n, int from, int[] current, int depth, List<int[]> out, int cap) {
        if (out.size() >= cap) {
            return;
        }
        if (depth == n) {
            out.add(current.clone());
            return;
        }
        for (int i = from; i <= size - (n - depth); i++) {
            current[depth] = i;
            combinations(size, n, i + 1, current, depth + 1, out, cap);
        }
    }

    static List<Question> read(Path file, int limit, LanguageModel model) throws IOException {
        AnswerExtractor extractor = AnswerExtractors.auto();
        List<Question> questions = new ArrayList<>();
        try (BufferedReader in = reader(file)) {
            String line;
            while ((line = in.readLine()) != null && questions.size() < limit) {
                if (!line.isBlank()) {
                    questions.add(question(JSON.readTree(line), extractor, model));
                }
            }
        }
        return questions;
    }

    private static Question question(JsonNode node, AnswerExtractor extractor, LanguageModel model) {
        String question = node.path("question").asText();
        List<String> texts = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        String gold;
        int flagged = -1;
        if (node.has("paths")) {
            for (JsonNode p : node.get("paths")) {
                texts.add(p.path("text").asText());
                answers.add(p.hasNonNull("answer") ? p.get("answer").asText() : null);
                means.add(p.hasNonNull("mean_logprob") ? p.get("mean_logprob").asDouble() : null);
            }
            gold = node.path("gold").asText();
        } else {
            flagged = 0;
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                JsonNode solution = node.get(names.next());
                if (solution.isObject() && solution.has("solution")) {
                    texts.add(solution.get("solution").asText());
                    answers.add(null);
                    means.add(null);
                    flagged += solution.path("is_correct").asBoolean() ? 1 : 0;
                }
            }
            gold = extractor.extract(node.path("ground_truth").asText()).orElse(null);
        }
        List<Integer> unscored = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (means.get(i) == null) {
                unscored.add(i);
            }
        }
        if (!unscored.isEmpty()) {
            List<ScoredText> scored = model.score(unscored.stream().map(i -> new ScoringRequest(ReasoningPruner.prefix(question), texts.get(i))).toList());
            for (int k = 0; k < unscored.size(); k++) {
                means.set(unscored.get(k), scored.get(k).mean());
            }
        }
        List<ReasoningPath> paths = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String answer = answers.get(i) != null ? answers.get(i) : extractor.extract(texts.get(i)).orElse(null);
            paths.add(new ReasoningPath(texts.get(i), answer, means.get(i)));
        }
        return new Question(paths, gold, flagged);
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Accuracy and expected calibration error over equal-width confidence bins. */
    static final class Calibration {
        private final double[] confidence;
        private final double[] credit;
        private final int[] count;
        private double totalCredit;
        private int total;

        Calibration(int bins) {
            confidence = new double[bins];
            credit = new double[bins];
            count = new int[bins];
        }

        void add(double conf, double correct) {
            int bin = Math.min(count.length - 1, (int) Math.floor(conf * count.length));
            confidence[bin] += conf;
            credit[bin] += correct;
            count[bin]++;
            totalCredit += correct;
            total++;
        }

        double accuracy() {
            return total == 0 ? 0 : totalCredit / total;
        }

        double ece() {
            double ece = 0;
            for (int b = 0; b < count.length; b++) {
                if (count[b] > 0) {
                    ece += (double) count[b] / total * Math.abs(credit[b] / count[b] - confidence[b] / count[b]);
                }
            }
            return ece;
        }
    }
}
