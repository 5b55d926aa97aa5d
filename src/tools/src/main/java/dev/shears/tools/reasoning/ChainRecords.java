package dev.shears.tools.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ScoredStep;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONL shapes of {@code reason-batch}. An input line is an object with {@code question} and either
 * {@code reasoning} (the chain's text, cut into steps by the pruner) or {@code steps} (an array of step texts),
 * an optional {@code answer} (never pruned) and an optional {@code id} (echoed). GSM8K's own shape,
 * {@code {"question", "answer"}} with no {@code reasoning}, is read as a chain too: the answer's lines before
 * its last line {@code #### N} are the chain (one step per line, calculator annotations {@code <<...>>} left
 * as they are) and {@code N} is the answer.
 */
final class ChainRecords {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String GSM8K_MARK = "#### ";

    /** One parsed input line: its {@code id} as given (null when absent), the chain, and its answer. */
    record Chain(JsonNode id, ReasoningInput input) {}

    private ChainRecords() {}

    static Chain parse(String line) throws Exception {
        JsonNode node = JSON.readTree(line);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String question = text(node, "question");
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("'question' is missing or blank");
        }
        String answer = text(node, "answer");
        ReasoningInput input;
        if (node.has("steps")) {
            JsonNode steps = node.get("steps");
            if (!steps.isArray() || steps.isEmpty()) {
                throw new IllegalArgumentException("'steps' must be a non-empty array of strings");
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode s : steps) {
                if (!s.isTextual()) {
                    throw new IllegalArgumentException("'steps' must be a non-empty array of strings");
                }
                texts.add(s.asText());
            }
            input = ReasoningInput.ofSteps(question, texts).withAnswer(answer);
        } else if (node.has("reasoning")) {
            String reasoning = text(node, "reasoning");
            if (reasoning == null) {
                throw new IllegalArgumentException("'reasoning' must be a string");
            }
            input = ReasoningInput.of(question, reasoning).withAnswer(answer);
        } else if (answer != null && answer.contains(GSM8K_MARK)) {
            int mark = answer.lastIndexOf("\n" + GSM8K_MARK);
            if (mark < 0) {
                throw new IllegalArgumentException("a GSM8K 'answer' needs its chain before the '#### N' line");
            }
            input = ReasoningInput.of(question, answer.substring(0, mark))
                    .withAnswer(answer.substring(mark + 1 + GSM8K_MARK.length()).strip());
        } else {
            throw new IllegalArgumentException("needs 'reasoning', 'steps', or a GSM8K 'answer' ending in '#### N'");
        }
        return new Chain(node.get("id"), input);
    }

    /** The output line of a pruned chain: one result, or {@code prunings} with one per keep ratio. */
    static ObjectNode result(long line, Chain chain, List<Budget> budgets, List<PrunedReasoning> results) {
        PrunedReasoning first = results.get(0);
        ObjectNode out = head(line, chain.id());
        out.put("question", chain.input().question());
        out.put("answer", chain.input().answer());
        out.put("scorer", first.scorer());
        out.put("mode", first.mode().name().toLowerCase(java.util.Locale.ROOT));
        out.put("tokens_before", first.tokensBefore());
        out.put("steps", first.steps().size());
        if (results.size() == 1) {
            pruning(out, budgets.get(0), first);
        } else {
            ArrayNode prunings = out.putArray("prunings");
            for (int i = 0; i < results.size(); i++) {
                pruning(prunings.addObject(), budgets.get(i), results.get(i));
            }
        }
        return out;
    }

    static ObjectNode error(long line, JsonNode id, String message) {
        ObjectNode out = head(line, id);
        out.put("error", message);
        return out;
    }

    /** The {@code id} of a line that failed to parse, when its JSON still has one. */
    static JsonNode idOf(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject() ? node.get("id") : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static ObjectNode head(long line, JsonNode id) {
        ObjectNode out = JSON.createObjectNode();
        out.put("line", line);
        if (id != null) {
            out.set("id", id);
        }
        return out;
    }

    private static void pruning(ObjectNode out, Budget budget, PrunedReasoning r) {
        budget.describe(out);
        out.put("budget", r.budget());
        out.put("tokens_after", r.tokensAfter());
        ArrayNode kept = out.putArray("kept_steps");
        List<ScoredStep> steps = r.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).kept()) {
                kept.add(i);
            }
        }
        out.put("pruned_reasoning", r.prunedReasoning());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && (v.isTextual() || v.isNumber()) ? v.asText() : null; // GSM8K-like answers may be numbers
    }
}
