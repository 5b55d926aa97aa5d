package dev.shears.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.api.dto.openai.ChatCompletionRequest;
import dev.shears.api.dto.openai.CompletionRequest;
import dev.shears.config.LanguageModelConfig;
import dev.shears.error.ShearsException;
import dev.shears.service.ChatTemplate;
import dev.shears.service.GenerationPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns OpenAI-style completion and chat requests into {@link GenerationPlan}s, or a 400 naming the field, the
 * allowed range and, for limits, the setting that changes it.
 */
final class GenerationRequestReader {

    static final int MAX_STOP_STRINGS = 4;

    private final LanguageModelConfig.Limits limits;

    GenerationRequestReader(LanguageModelConfig.Limits limits) {
        this.limits = limits;
    }

    GenerationPlan completion(CompletionRequest r) {
        if (r == null) {
            throw ShearsException.invalid("request body is required: {\"prompt\": \"...\", \"max_tokens\": 16}");
        }
        noStreaming(r.stream());
        List<String> prompts = prompts(r.prompt());
        boolean echo = Boolean.TRUE.equals(r.echo());
        int maxTokens = maxTokens("max_tokens", r.maxTokens(), 16, echo ? 0 : 1);
        if (r.logprobs() != null && (r.logprobs() < 0 || r.logprobs() > 1)) {
            throw ShearsException.invalid("'logprobs' must be 0 or 1, got " + r.logprobs()
                    + " (each token's own log-prob is returned; top alternatives are not)");
        }
        if (echo && maxTokens == 0) {
            for (int i = 0; i < prompts.size(); i++) {
                if (prompts.get(i).isEmpty()) {
                    throw ShearsException.invalid("'" + promptField(prompts, i) + "' is empty; echo with max_tokens 0"
                            + " has nothing to score");
                }
            }
        }
        return new GenerationPlan(prompts, n(r.n()), maxTokens, temperature(r.temperature()), topP(r.topP()),
                stop(r.stop(), List.of()), r.seed(), echo, r.logprobs() != null);
    }

    GenerationPlan chat(ChatCompletionRequest r) {
        if (r == null) {
            throw ShearsException.invalid("request body is required: {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}]}");
        }
        noStreaming(r.stream());
        if (r.topLogprobs() != null && r.topLogprobs() != 0) {
            throw ShearsException.invalid("'top_logprobs' must be 0 or absent, got " + r.topLogprobs()
                    + " (each token's own log-prob is returned; top alternatives are not)");
        }
        if (r.maxTokens() != null && r.maxCompletionTokens() != null && !r.maxTokens().equals(r.maxCompletionTokens())) {
            throw ShearsException.invalid("'max_tokens' and 'max_completion_tokens' differ; send one of them");
        }
        Integer requested = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        String field = r.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
        int maxTokens = maxTokens(field, requested, limits.maxTokens(), 1);
        String prompt = ChatTemplate.render(turns(r.messages()));
        return new GenerationPlan(List.of(prompt), n(r.n()), maxTokens, temperature(r.temperature()), topP(r.topP()),
                stop(r.stop(), List.of(ChatTemplate.END_OF_TURN)), r.seed(), false, Boolean.TRUE.equals(r.logprobs()));
    }

    private List<ChatTemplate.Turn> turns(List<ChatCompletionRequest.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ShearsException.invalid("'messages' is required and must not be empty");
        }
        List<ChatTemplate.Turn> turns = new ArrayList<>(messages.size());
        long chars = 0;
        for (int i = 0; i < messages.size(); i++) {
            ChatCompletionRequest.Message m = messages.get(i);
            String field = "messages[" + i + "]";
            if (m == null) {
                throw ShearsException.invalid("'" + field + "' is null");
            }
            if (m.role() == null || !ChatTemplate.ROLES.contains(m.role())) {
                throw ShearsException.invalid("'" + field + ".role' must be one of " + String.join(", ", ChatTemplate.ROLES)
                        + ", got " + (m.role() == null ? "nothing" : "'" + m.role() + "'"));
            }
            if (m.content() == null) {
                throw ShearsException.invalid("'" + field + ".content' is required");
            }
            RequestLimits.text(field + ".content", m.content());
            chars += m.content().length();
            turns.add(new ChatTemplate.Turn(m.role(), m.content()));
        }
        if (chars > limits.maxPromptChars()) {
            throw ShearsException.invalid("'messages' hold " + chars + " characters together, more than the limit of "
                    + limits.maxPromptChars() + " (shears.lm.limits.max-prompt-chars)");
        }
        return turns;
    }

    private List<String> prompts(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw ShearsException.invalid("'prompt' is required: a string or a list of strings");
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (prompt.isArray()) {
            prompt.forEach(nodes::add);
            if (nodes.isEmpty()) {
                throw ShearsException.invalid("'prompt' is an empty list");
            }
            if (nodes.size() > limits.maxPrompts()) {
                throw ShearsException.invalid("'prompt' has " + nodes.size() + " entries, more than the limit of "
                        + limits.maxPrompts() + " (shears.lm.limits.max-prompts)");
            }
        } else {
            nodes.add(prompt);
        }
        List<String> prompts = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            String field = prompt.isArray() ? "prompt[" + i + "]" : "prompt";
            JsonNode node = nodes.get(i);
            if (!node.isTextual()) {
                throw ShearsException.invalid("'" + field + "' must be a string (token-id prompts are not supported)");
            }
            String text = node.textValue();
            if (text.length() > limits.maxPromptChars()) {
                throw ShearsException.invalid("'" + field + "' has " + text.length() + " characters, more than the limit of "
                        + limits.maxPromptChars() + " (shears.lm.limits.max-prompt-chars)");
            }
            RequestLimits.text(field, text);
            prompts.add(text);
        }
        return prompts;
    }

    private static String promptField(List<String> prompts, int i) {
        return prompts.size() == 1 ? "prompt" : "prompt[" + i + "]";
    }

    private int maxTokens(String field, Integer value, int fallback, int min) {
        int v = value == null ? Math.min(fallback, limits.maxTokens()) : value;
        if (v < min || v > limits.maxTokens()) {
            throw ShearsException.invalid("'" + field + "' must be in [" + min + ", " + limits.maxTokens() + "], got " + v
                    + (v == 0 ? " (0 is allowed only with echo)" : v > limits.maxTokens() ? " (shears.lm.limits.max-tokens)" : ""));
        }
        return v;
    }

    private int n(Integer n) {
        int v = n == null ? 1 : n;
        if (v < 1 || v > limits.maxN()) {
            throw ShearsException.invalid("'n' must be in [1, " + limits.maxN() + "], got " + v + " (shears.lm.limits.max-n)");
        }
        return v;
    }

    private static double temperature(Double t) {
        double v = t == null ? 1.0 : t;
        if (!(v >= 0 && v <= 2)) {
            throw ShearsException.invalid("'temperature' must be in [0, 2], got " + v);
        }
        return v;
    }

    private static double topP(Double p) {
        double v = p == null ? 1.0 : p;
        if (!(v > 0 && v <= 1)) {
            throw ShearsException.invalid("'top_p' must be in (0, 1], got " + v);
        }
        return v;
    }

    private static List<String> stop(JsonNode stop, List<String> implicit) {
        List<String> out = new ArrayList<>(implicit);
        if (stop == null || stop.isNull()) {
            return out;
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (stop.isArray()) {
            stop.forEach(nodes::add);
        } else {
            nodes.add(stop);
        }
        if (nodes.size() > MAX_STOP_STRINGS) {
            throw ShearsException.invalid("'stop' has " + nodes.size() + " entries, more than " + MAX_STOP_STRINGS);
        }
        for (JsonNode node : nodes) {
            if (!node.isTextual() || node.textValue().isEmpty()) {
                throw ShearsException.invalid("'stop' must be a non-empty string or a list of non-empty strings");
            }
            RequestLimits.text("stop", node.textValue());
            out.add(node.textValue());
        }
        return out;
    }

    private static void noStreaming(Boolean stream) {
        if (Boolean.TRUE.equals(stream)) {
            throw ShearsException.invalid("'stream' is not supported by the local model endpoints; send stream: false");
        }
    }
}
