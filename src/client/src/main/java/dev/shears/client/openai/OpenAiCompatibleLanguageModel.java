package dev.shears.client.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelException.Kind;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A {@link LanguageModel} served by an OpenAI-compatible server (vLLM, or anything with the legacy
 * {@code /v1/completions} log-prob fields). Scoring sends all prompt+continuation texts of a batch in one request
 * and keeps the tokens that start inside the continuation (the server tokenizes the concatenated text, so a
 * token spanning the boundary counts as prompt). Token ids are -1 in echo mode (the server sends only text).
 * Offsets are the server's {@code text_offset} (Python code points; equal to Java chars for BMP text). Retries
 * 429/5xx with exponential backoff; other failures map to {@link LanguageModelException} kinds. Thread-safe.
 */
public final class OpenAiCompatibleLanguageModel implements LanguageModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RemoteOptions options;
    private final HttpClient http;
    private final URI completions;

    public OpenAiCompatibleLanguageModel(RemoteOptions options) {
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        String base = options.baseUrl().toString().replaceAll("/+$", "");
        this.completions = URI.create(base + "/v1/completions");
    }

    @Override
    public String id() {
        return options.model();
    }

    @Override
    public int contextLength() {
        return options.contextLength() > 0 ? options.contextLength() : Integer.MAX_VALUE;
    }

    // ---------------------------------------------------------------- scoring

    @Override
    public List<ScoredText> score(List<ScoringRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("model", options.model());
        ArrayNode prompts = body.putArray("prompt");
        for (int i = 0; i < batch.size(); i++) {
            ScoringRequest r = batch.get(i);
            if (r.continuation().isEmpty()) {
                throw new LanguageModelException(Kind.EMPTY_INPUT, "request " + i + ": continuation is empty, "
                        + "nothing to score");
            }
            prompts.add(r.prompt() + r.continuation());
        }
        boolean echo = options.promptLogProbs() == RemoteOptions.PromptLogProbMode.ECHO;
        if (echo) {
            body.put("echo", true);
            body.put("logprobs", 1);
            body.put("max_tokens", 0);
        } else {
            body.put("prompt_logprobs", 1);
            body.put("max_tokens", 1);
        }
        body.put("temperature", 0);
        JsonNode response = post(body, true);
        List<JsonNode> choices = choices(response, batch.size());
        List<ScoredText> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ScoringRequest r = batch.get(i);
            out.add(echo ? fromEcho(choices.get(i), r, i) : fromPromptLogProbs(choices.get(i), r, i));
        }
        return out;
    }

    private String modeDescription() {
        return options.promptLogProbs() == RemoteOptions.PromptLogProbMode.ECHO
                ? "POST /v1/completions with echo=true, logprobs=1, max_tokens=0"
                : "POST /v1/completions with prompt_logprobs=1, max_tokens=1";
    }

    private LanguageModelException unsupported(String why) {
        return new LanguageModelException(Kind.UNSUPPORTED_MODE, "server " + options.baseUrl()
                + " cannot give prompt log-probs (" + modeDescription() + "): " + why);
    }

    private ScoredText fromEcho(JsonNode choice, ScoringRequest r, int index) {
        JsonNode lp = choice.get("logprobs");
        if (lp == null || lp.isNull()) {
            throw unsupported("choice " + index + " has no logprobs object");
        }
        JsonNode tokens = lp.get("tokens");
        JsonNode values = lp.get("token_logprobs");
        JsonNode offsets = lp.get("text_offset");
        if (!isArray(tokens) || !isArray(values) || !isArray(offsets)
                || tokens.size() != values.size() || tokens.size() != offsets.size()) {
            throw bad("choice " + index + ": logprobs.tokens/token_logprobs/text_offset missing or of unequal length");
        }
        int promptLen = r.prompt().length();
        int textLen = promptLen + r.continuation().length();
        List<TokenLogProb> out = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            int start = offsets.get(k).asInt(-1);
            if (start < promptLen || start >= textLen) {
                continue; // prompt token, or a generated token after the echoed text
            }
            String token = tokens.get(k).asText();
            int end = Math.min(textLen, k + 1 < offsets.size() ? Math.max(start, offsets.get(k + 1).asInt())
                    : start + token.length());
            JsonNode v = values.get(k);
            if (v == null || v.isNull()) {
                if (start == 0) {
                    out.add(new TokenLogProb(-1, token, 0, end - promptLen, Double.NaN));
                    continue;
                }
                throw unsupported("choice " + index + " has no log-prob for continuation token " + k);
            }
            out.add(new TokenLogProb(-1, token, start - promptLen, end - promptLen, number(v, index)));
        }
        if (out.isEmpty()) {
            throw unsupported("choice " + index + " echoed no tokens of the continuation");
        }
        return new ScoredText(out);
    }

    private ScoredText fromPromptLogProbs(JsonNode choice, ScoringRequest r, int index) {
        JsonNode plp = choice.get("prompt_logprobs");
        JsonNode ids = choice.get("prompt_token_ids");
        if (plp == null || plp.isNull()) {
            plp = choice.path("logprobs").get("prompt_logprobs");
        }
        if (!isArray(plp)) {
            throw unsupported("choice " + index + " has no prompt_logprobs (not a vLLM server?)");
        }
        if (!isArray(ids) || ids.size() != plp.size()) {
            throw bad("choice " + index + ": prompt_token_ids missing or not as long as prompt_logprobs");
        }
        int promptLen = r.prompt().length();
        int textLen = promptLen + r.continuation().length();
        List<TokenLogProb> out = new ArrayList<>();
        int offset = 0;
        for (int k = 0; k < plp.size(); k++) {
            int tokenId = ids.get(k).asInt();
            JsonNode entry = plp.get(k);
            JsonNode own = entry == null || entry.isNull() ? null : entry.get(String.valueOf(tokenId));
            if (k > 0 && own == null) {
                throw bad("choice " + index + ": prompt_logprobs[" + k + "] has no entry for token " + tokenId);
            }
            String text = own == null ? "" : own.path("decoded_token").asText("");
            int start = Math.min(offset, textLen);
            int end = Math.min(offset + text.length(), textLen);
            offset += text.length();
            if (start >= promptLen && end > start) {
                double lp = own == null ? Double.NaN : number(own.get("logprob"), index);
                out.add(new TokenLogProb(tokenId, text, start - promptLen, end - promptLen, lp));
            }
        }
        if (out.isEmpty()) {
            throw unsupported("choice " + index + " has no prompt log-probs inside the continuation");
        }
        return new ScoredText(out);
    }

    // ---------------------------------------------------------------- sampling

    @Override
    public List<Completion> sample(SamplingRequest r) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", options.model());
        body.put("prompt", r.prompt());
        body.put("n", r.n());
        body.put("temperature", r.temperature());
        body.put("top_p", r.topP());
        body.put("max_tokens", r.maxTokens());
        body.put("logprobs", 1);
        if (!r.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            r.stop().forEach(stop::add);
        }
        if (r.seed() != null) {
            body.put("seed", r.seed());
        }
        List<JsonNode> choices = choices(post(body, false), r.n());
        List<Completion> out = new ArrayList<>(choices.size());
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            String text = c.path("text").asText("");
            List<TokenLogProb> tokens = new ArrayList<>();
            JsonNode lp = c.get("logprobs");
            if (lp != null && !lp.isNull()) {
                JsonNode toks = lp.get("tokens");
                JsonNode vals = lp.get("token_logprobs");
                if (!isArray(toks) || !isArray(vals) || toks.size() != vals.size()) {
                    throw bad("choice " + i + ": logprobs.tokens/token_logprobs missing or of unequal length");
                }
                int offset = 0;
                for (int k = 0; k < toks.size(); k++) {
                    String t = toks.get(k).asText();
                    int start = Math.min(offset, text.length());
                    int end = Math.min(offset + t.length(), text.length());
                    offset += t.length();
                    JsonNode v = vals.get(k);
                    tokens.add(new TokenLogProb(-1, t, start, end, v == null || v.isNull() ? Double.NaN : number(v, i)));
                }
            }
            String finish = c.path("finish_reason").asText("");
            out.add(new Completion(text, tokens, finish.equals("length") ? Completion.LENGTH : Completion.STOP));
        }
        return out;
    }

    // ---------------------------------------------------------------- HTTP

    private JsonNode post(ObjectNode body, boolean scoring) {
        String payload;
        try {
            payload = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(completions).timeout(options.readTimeout())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload));
        if (options.apiKey() != null) {
            rb.header("Authorization", "Bearer " + options.apiKey());
        }
        HttpRequest request = rb.build();
        int attempts = options.maxRetries() + 1;
        long backoff = options.initialBackoff().toMillis();
        long maxBackoff = backoff * 8;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = send(request);
            int status = response.statusCode();
            if (status == 200) {
                return parse(response.body());
            }
            boolean retryable = status == 429 || status >= 500;
            if (!retryable) {
                throw clientError(status, response.body(), scoring);
            }
            if (attempt >= attempts) {
                throw new LanguageModelException(Kind.UPSTREAM_UNAVAILABLE, completions + " answered HTTP " + status
                        + (status == 429 ? " (rate limited)" : "") + " on all " + attempts + " attempts: "
                        + excerpt(response.body()));
            }
            long wait = Math.min(maxBackoff, retryAfterMillis(response).orElse(backoff));
            sleep(wait);
            backoff = Math.min(maxBackoff, backoff * 2);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new LanguageModelException(Kind.UPSTREAM_TIMEOUT, "connecting to " + completions + " took longer than "
                    + options.connectTimeout().toMillis() + " ms", e);
        } catch (HttpTimeoutException e) {
            throw new LanguageModelException(Kind.UPSTREAM_TIMEOUT, completions + " did not answer within "
                    + options.readTimeout().toMillis() + " ms", e);
        } catch (ConnectException | UnresolvedAddressException e) {
            throw new LanguageModelException(Kind.UPSTREAM_UNAVAILABLE, "cannot connect to " + completions + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (IOException e) {
            throw new LanguageModelException(Kind.UPSTREAM_UNAVAILABLE, "I/O error talking to " + completions + ": "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LanguageModelException(Kind.UPSTREAM_UNAVAILABLE, "interrupted while calling " + completions, e);
        }
    }

    private LanguageModelException clientError(int status, String body, boolean scoring) {
        String lower = body.toLowerCase(Locale.ROOT);
        if (lower.contains("context length") || lower.contains("maximum context") || lower.contains("too long")) {
            return new LanguageModelException(Kind.CONTEXT_TOO_LONG, completions + " rejected the input as too long "
                    + "(HTTP " + status + "): " + excerpt(body));
        }
        if (scoring && (lower.contains("echo") || lower.contains("logprobs"))) {
            return unsupported("HTTP " + status + ": " + excerpt(body));
        }
        return new LanguageModelException(Kind.UPSTREAM_BAD_RESPONSE, completions + " answered HTTP " + status + ": "
                + excerpt(body));
    }

    private static java.util.Optional<Long> retryAfterMillis(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return java.util.Optional.of(Long.parseLong(v.trim()) * 1000);
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LanguageModelException(Kind.UPSTREAM_UNAVAILABLE, "interrupted while backing off", e);
        }
    }

    private JsonNode parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw bad("response is not a JSON object: " + excerpt(body));
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new LanguageModelException(Kind.UPSTREAM_BAD_RESPONSE, completions + " returned malformed JSON: "
                    + e.getOriginalMessage() + " in " + excerpt(body), e);
        }
    }

    private List<JsonNode> choices(JsonNode response, int expected) {
        JsonNode choices = response.get("choices");
        if (!isArray(choices) || choices.size() != expected) {
            throw bad("expected " + expected + " choices, got "
                    + (isArray(choices) ? choices.size() : "no choices array"));
        }
        List<JsonNode> list = new ArrayList<>();
        choices.forEach(list::add);
        if (list.stream().allMatch(c -> c.has("index"))) {
            list.sort(Comparator.comparingInt(c -> c.get("index").asInt()));
        }
        return list;
    }

    private double number(JsonNode v, int index) {
        if (v == null || !v.isNumber()) {
            throw bad("choice " + index + ": log-prob is not a number: " + v);
        }
        return v.asDouble();
    }

    private static boolean isArray(JsonNode n) {
        return n != null && n.isArray();
    }

    private LanguageModelException bad(String why) {
        return new LanguageModelException(Kind.UPSTREAM_BAD_RESPONSE, completions + ": " + why);
    }

    private static String excerpt(String body) {
        String s = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its threads end when it is garbage collected.
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleLanguageModel[" + options.model() + " @ " + options.baseUrl() + "]";
    }
}
