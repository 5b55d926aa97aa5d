package dev.shears.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A Java client for Shears' REST API: context pruning ({@code POST /v1/context/prune}), reranking
 * ({@code POST /v1/rerank}) and reasoning-step pruning ({@code POST /v1/reasoning/prune}). Thread-safe; one instance per server. Errors arrive as {@link ShearsException}s
 * carrying the server's own {@link ErrorType} and message (a 429 is {@link ErrorType#OVERLOADED}, ...); a server
 * that cannot be reached or answers something else is {@link ErrorType#UPSTREAM_ERROR}, one that does not answer
 * in time {@link ErrorType#TIMEOUT}.
 *
 * <pre>{@code
 * try (ShearsClient shears = ShearsClient.builder().baseUrl("http://localhost:8080").build()) {
 *     ShearsClient.PruneResult r = shears.prune(ShearsClient.PruneRequest.of("How tall is the Eiffel Tower?", passages));
 *     r.documents().forEach(d -> System.out.println(d.prunedText()));
 * }
 * }</pre>
 */
public final class ShearsClient implements AutoCloseable {

    /** One passage: {@code text} is required; {@code id} and {@code title} are optional. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Passage(String id, String title, String text) {
        public static Passage of(String text) {
            return new Passage(null, null, text);
        }
    }

    /**
     * What to prune and how; null options take the server's defaults. {@code targetRatio} and {@code tokenBudget}
     * are alternatives to {@code threshold} (see src/docs/api.md).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PruneRequest(String query, List<Passage> documents, Double threshold, Integer topN,
                               Boolean alwaysKeepTitle, Double targetRatio, Integer tokenBudget, Boolean returnSentences) {
        public static PruneRequest of(String query, List<String> texts) {
            return new PruneRequest(query, texts.stream().map(Passage::of).toList(), null, null, null, null, null, null);
        }

        public PruneRequest withThreshold(double value) {
            return new PruneRequest(query, documents, value, topN, alwaysKeepTitle, targetRatio, tokenBudget, returnSentences);
        }

        public PruneRequest withTokenBudget(int tokens) {
            return new PruneRequest(query, documents, threshold, topN, alwaysKeepTitle, targetRatio, tokens, returnSentences);
        }
    }

    /** A sentence of a passage: {@code [start, end)} in UTF-16 characters, its score and whether it was kept. */
    public record Sentence(int start, int end, String text, String kind, double score, int tokens, boolean kept) {}

    /** One passage after pruning, in input order; {@code rank} 1 is the most relevant. */
    public record PrunedPassage(int index, String id, double relevanceScore, int rank, String prunedText, double compression,
                                int tokensBefore, int tokensAfter, JsonNode metadata, List<Sentence> sentences) {}

    public record Totals(int documents, int tokensBefore, int tokensAfter, int tokensSaved, double compression) {}

    public record PruneResult(String model, double threshold, List<PrunedPassage> documents, Totals totals) {}

    /** A document's relevance to the query, by its index in the request. */
    public record Ranked(int index, double relevanceScore) {}

    /**
     * A chain of thought to prune ({@code POST /v1/reasoning/prune}): {@code keepRatio} (server default 0.8) or
     * {@code maxTokens} sets the budget; {@code answer} is kept whatever the budget. Null options take the defaults.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReasoningRequest(String question, String reasoning, String answer, Double keepRatio, Integer maxTokens) {
        public static ReasoningRequest of(String question, String reasoning, double keepRatio) {
            return new ReasoningRequest(question, reasoning, null, keepRatio, null);
        }
    }

    /** The kept steps as they stand in the input, in order; token counts as the scoring model counts them. */
    public record PrunedReasoning(String prunedReasoning, int tokensBefore, int tokensAfter, int budget, String scorer) {}

    private record RerankBody(String query, List<String> documents, Integer topN) {}

    private record RerankAnswer(List<Ranked> results) {}

    private record ErrorBody(String error, String errorType, int status) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    private ShearsClient(Builder b) {
        this.base = URI.create(b.baseUrl.endsWith("/") ? b.baseUrl : b.baseUrl + "/");
        this.apiKey = b.apiKey;
        this.timeout = b.timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Prunes the request's passages to the sentences that matter for its query. */
    public PruneResult prune(PruneRequest request) {
        return post("v1/context/prune", request, PruneResult.class);
    }

    /** Ranks {@code documents} by relevance to {@code query}, best first; at most {@code topN} when given. */
    public List<Ranked> rerank(String query, List<String> documents, Integer topN) {
        return post("v1/rerank", new RerankBody(query, documents, topN), RerankAnswer.class).results();
    }

    /** Removes the reasoning steps a language model finds least surprising, down to the request's budget. */
    public PrunedReasoning pruneReasoning(ReasoningRequest request) {
        return post("v1/reasoning/prune", request, PrunedReasoning.class);
    }

    private <T> T post(String path, Object body, Class<T> type) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ShearsException(ErrorType.TIMEOUT, "Shears at " + base + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new ShearsException(ErrorType.UPSTREAM_ERROR, "cannot reach Shears at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShearsException(ErrorType.TIMEOUT, "interrupted while waiting for Shears");
        }
        if (response.statusCode() != 200) {
            throw error(response);
        }
        try {
            return JSON.readValue(response.body(), type);
        } catch (JsonProcessingException e) {
            throw new ShearsException(ErrorType.UPSTREAM_ERROR, "unreadable answer from " + path + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The server's error body as its own error type and message, or an upstream error for anything else. */
    private static ShearsException error(HttpResponse<String> response) {
        try {
            ErrorBody e = JSON.readValue(response.body(), ErrorBody.class);
            ErrorType type = ErrorType.valueOf(e.errorType().toUpperCase(Locale.ROOT));
            return new ShearsException(type, e.error());
        } catch (JsonProcessingException | RuntimeException notOurs) {
            String body = response.body().length() > 200 ? response.body().substring(0, 200) + "..." : response.body();
            return new ShearsException(ErrorType.UPSTREAM_ERROR, "HTTP " + response.statusCode() + " from "
                    + response.uri() + ": " + body);
        }
    }

    /** Releases the HTTP client's connections (a no-op before Java 21's {@code HttpClient.close}). */
    @Override
    public void close() {
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing only frees connections
            }
        }
    }

    public static final class Builder {
        private String baseUrl = "http://localhost:8080";
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(60);

        /** The server root, e.g. {@code http://localhost:8080}. */
        public Builder baseUrl(String url) {
            this.baseUrl = url;
            return this;
        }

        /** Sent as {@code Authorization: Bearer <key>} when the server has {@code shears.auth.enabled}. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /** Longest wait for one answer. */
        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public ShearsClient build() {
            return new ShearsClient(this);
        }
    }
}
