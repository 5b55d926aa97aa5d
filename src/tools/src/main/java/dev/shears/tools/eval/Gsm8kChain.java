package dev.shears.tools.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A GSM8K worked solution as a chain of reasoning steps, with which steps the chain needs.
 *
 * <p>A step is one line of the solution; its text is the line without the calculator annotations
 * ({@code 48/2 = <<48/2=24>>24} reads {@code 48/2 = 24}), as a model would write it. The final {@code #### N}
 * line is the {@link #answer}, outside the chain.
 *
 * <p>A step is <em>needed</em> when a number it contributes is used later: in a later step (an operand of its
 * annotations, or a number in its text other than the results written right after its annotations) or as the
 * answer. A step contributes its annotation results, the values it writes after an '=' without annotation
 * ({@code 20/4 = $5}), and any number it writes that neither the question nor an earlier step holds. So a step
 * without annotations is needed when it computes or brings in a number that is reused (a constant such as
 * "60 minutes in an hour"); one that only restates known numbers ("Let S be the price") is not. Numbers compare
 * by value ({@code 1,000} = {@code 1000.00}), sign ignored; a result that equals a question number counts as
 * reused when that number appears later, which cannot be told apart.
 *
 * @param steps  the step texts, annotations removed
 * @param needed per step, whether the chain needs it
 */
public record Gsm8kChain(String question, List<String> steps, String answer, List<Boolean> needed) {

    private static final Pattern ANNOTATION = Pattern.compile("<<([^<>]*)>>");
    private static final String NUMBER_SYNTAX = "\\d+(?:,\\d{3})*(?:\\.\\d+)?|\\.\\d+";
    private static final Pattern NUMBER = Pattern.compile(NUMBER_SYNTAX);
    /** An annotation with the result written after it: {@code <<48/2=24>>24}, {@code <<12/60=0.2>>$0.2}. */
    private static final Pattern ANNOTATION_AND_RESULT = Pattern.compile("<<[^<>]*>>\\s*\\$?(?:" + NUMBER_SYNTAX + ")?");
    /** A value written after '=' and not followed by an operator: the step computed it ({@code = $5}, not {@code = 200 - 16}). */
    private static final Pattern WRITTEN_RESULT = Pattern.compile("=\\s*\\$?(" + NUMBER_SYNTAX + ")(?!\\s*[-+*/x×])");
    private static final String ANSWER_MARK = "####";

    public int neededCount() {
        return (int) needed.stream().filter(Boolean::booleanValue).count();
    }

    /** One problem: {@code solution} is GSM8K's {@code answer} field. */
    public static Gsm8kChain parse(String question, String solution) {
        List<String> lines = new ArrayList<>();
        String answer = null;
        for (String line : solution.split("\n")) {
            if (line.strip().startsWith(ANSWER_MARK)) {
                answer = line.strip().substring(ANSWER_MARK.length()).strip();
            } else if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        if (answer == null || lines.isEmpty()) {
            throw new IllegalArgumentException("not a GSM8K solution (steps, then '#### N'): " + solution);
        }
        Set<String> seen = numbers(question);
        List<Set<String>> contributed = new ArrayList<>();
        List<Set<String>> used = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String line : lines) {
            Set<String> results = new HashSet<>();
            Set<String> operands = new HashSet<>();
            Matcher a = ANNOTATION.matcher(line);
            while (a.find()) {
                String formula = a.group(1);
                int eq = formula.lastIndexOf('=');
                operands.addAll(numbers(eq < 0 ? formula : formula.substring(0, eq)));
                results.addAll(numbers(eq < 0 ? "" : formula.substring(eq + 1)));
            }
            Set<String> written = numbers(ANNOTATION_AND_RESULT.matcher(line).replaceAll(" "));
            Set<String> introduced = new HashSet<>(written);
            introduced.removeAll(seen);
            results.addAll(introduced);
            Matcher w = WRITTEN_RESULT.matcher(ANNOTATION_AND_RESULT.matcher(line).replaceAll(" "));
            while (w.find()) {
                results.addAll(numbers(w.group(1)));
            }
            operands.addAll(written);
            contributed.add(results);
            used.add(operands);
            seen.addAll(numbers(line));
            texts.add(ANNOTATION.matcher(line).replaceAll(""));
        }
        Set<String> usedLater = numbers(answer);
        Boolean[] needed = new Boolean[lines.size()];
        for (int i = lines.size() - 1; i >= 0; i--) {
            needed[i] = contributed.get(i).stream().anyMatch(usedLater::contains);
            usedLater.addAll(used.get(i));
        }
        return new Gsm8kChain(question, List.copyOf(texts), answer, List.of(needed));
    }

    /** The first {@code limit} problems of a GSM8K JSON-lines file (gzip when the name ends in .gz). */
    public static List<Gsm8kChain> read(Path file, int limit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Gsm8kChain> chains = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && chains.size() < limit; line = lines.readLine()) {
                if (!line.isBlank()) {
                    JsonNode problem = json.readTree(line);
                    chains.add(parse(problem.get("question").asText(), problem.get("answer").asText()));
                }
            }
        }
        return chains;
    }

    /** The numbers in {@code text}, each by value as a plain string. */
    static Set<String> numbers(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(new BigDecimal(m.group().replace(",", "")).stripTrailingZeros().toPlainString());
        }
        return out;
    }
}
