package dev.shears.reasoning.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Auto extraction + equivalence against real GSM8K data (skipped when the datasets are not there). */
class Gsm8kAgreementTest {

    private static Path dataset(String name) {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("gsm8k").resolve(name);
        assumeTrue(Files.isRegularFile(file), "dataset not found: " + file);
        return file;
    }

    /**
     * Each of the 2,400 GPT-3 solutions (600 problems x 4 models) is judged correct iff its auto-extracted answer is
     * equivalent to the one extracted from the reference solution; this must reproduce the data's own is_correct.
     */
    @Test
    void reproduces_is_correct_on_model_solutions_dev() throws IOException {
        AnswerExtractor auto = AnswerExtractors.auto();
        int agree = 0;
        int total = 0;
        List<String> disagreements = new ArrayList<>();
        for (Map<String, Object> row : JsonLines.read(dataset("model-solutions-dev.jsonl.gz"))) {
            Optional<String> truth = auto.extract((String) row.get("ground_truth"));
            assertTrue(truth.isPresent(), "reference answer found");
            for (Map.Entry<String, Object> e : row.entrySet()) {
                if (!(e.getValue() instanceof Map<?, ?> path)) {
                    continue;
                }
                String solution = (String) path.get("solution");
                Optional<String> answer = auto.extract(solution);
                boolean correct = answer.isPresent() && AnswerEquivalence.equivalent(answer.get(), truth.get());
                total++;
                if (correct == (Boolean) path.get("is_correct")) {
                    agree++;
                } else {
                    disagreements.add(e.getKey() + ": extracted " + answer + " vs truth " + truth.get() + ", is_correct=" + path.get("is_correct")
                            + ", ends " + solution.substring(Math.max(0, solution.length() - 80)).replace('\n', '|'));
                }
            }
        }
        double agreement = (double) agree / total;
        System.out.printf("model-solutions-dev: auto+equivalent agrees with is_correct on %d/%d = %.4f%n", agree, total, agreement);
        disagreements.forEach(d -> System.out.println("  disagreement " + d));
        assertEquals(2400, total);
        assertTrue(agreement >= 0.998, "agreement " + agreement);
    }

    /** For the report: how each named extractor alone does on the same data (printed, not asserted). */
    @Test
    void agreement_of_each_extractor() throws IOException {
        List<Map<String, Object>> rows = JsonLines.read(dataset("model-solutions-dev.jsonl.gz"));
        for (String name : AnswerExtractors.names()) {
            AnswerExtractor x = AnswerExtractors.named(name);
            int agree = 0;
            int total = 0;
            for (Map<String, Object> row : rows) {
                Optional<String> truth = AnswerExtractors.auto().extract((String) row.get("ground_truth"));
                for (Object value : row.values()) {
                    if (value instanceof Map<?, ?> path) {
                        Optional<String> answer = x.extract((String) path.get("solution"));
                        boolean correct = answer.isPresent() && AnswerEquivalence.equivalent(answer.get(), truth.orElseThrow());
                        agree += correct == (Boolean) path.get("is_correct") ? 1 : 0;
                        total++;
                    }
                }
            }
            System.out.printf("model-solutions-dev: %-11s agrees on %d/%d%n", name, agree, total);
        }
    }

    /** Every GSM8K training solution ends "#### N": auto must find N, and N must read as a number. */
    @Test
    void finds_the_numeric_answer_of_every_train_solution() throws IOException {
        AnswerExtractor auto = AnswerExtractors.auto();
        AnswerExtractor gsm8k = AnswerExtractors.named("gsm8k");
        int n = 0;
        for (Map<String, Object> row : JsonLines.read(dataset("train.jsonl.gz"))) {
            String solution = (String) row.get("answer");
            String expected = solution.substring(solution.lastIndexOf("####") + 4).strip();
            assertEquals(Optional.of(expected), gsm8k.extract(solution));
            assertEquals(Optional.of(expected), auto.extract(solution));
            assertTrue(AnswerEquivalence.canonical(expected).matches("-?\\d+(\\.\\d+)?"), "numeric: " + expected);
            assertTrue(AnswerEquivalence.equivalent(expected, expected.replace(",", "")), expected);
            n++;
        }
        assertEquals(7473, n);
    }
}
