package dev.shears.client.openai;

import java.net.URI;
import java.time.Duration;

/**
 * Connection settings for {@link OpenAiCompatibleLanguageModel}.
 *
 * @param baseUrl        server root, e.g. {@code http://127.0.0.1:8000} ({@code /v1/completions} is appended)
 * @param model          the served model name sent as {@code model}
 * @param apiKey         bearer token, or null
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    whole-response timeout per attempt
 * @param maxRetries     extra attempts after a 429 or 5xx (0 = no retry)
 * @param initialBackoff first retry delay; doubled each retry, capped at 8x (a Retry-After header in seconds
 *                       is honoured up to that cap)
 * @param contextLength  the server's context length if known (reported by {@code contextLength()}), else 0
 * @param promptLogProbs how prompt log-probs are requested
 */
public record RemoteOptions(URI baseUrl, String model, String apiKey, Duration connectTimeout, Duration readTimeout,
                            int maxRetries, Duration initialBackoff, int contextLength,
                            PromptLogProbMode promptLogProbs) {

    /** How the server is asked for log-probs of given text. */
    public enum PromptLogProbMode {
        /** Legacy completions: {@code echo: true, logprobs: 1, max_tokens: 0} (vLLM, old OpenAI). */
        ECHO,
        /** vLLM extension: {@code prompt_logprobs: 1, max_tokens: 1}, read {@code prompt_logprobs}. */
        PROMPT_LOGPROBS
    }

    public RemoteOptions {
        if (baseUrl == null || model == null) {
            throw new IllegalArgumentException("baseUrl and model are required");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
        initialBackoff = initialBackoff == null ? Duration.ofMillis(200) : initialBackoff;
        promptLogProbs = promptLogProbs == null ? PromptLogProbMode.ECHO : promptLogProbs;
    }

    /** 5 s connect, 60 s read, 2 retries from 200 ms, echo mode. */
    public static RemoteOptions of(URI baseUrl, String model) {
        return new RemoteOptions(baseUrl, model, null, null, null, 2, null, 0, null);
    }

    public RemoteOptions withTimeouts(Duration connect, Duration read) {
        return new RemoteOptions(baseUrl, model, apiKey, connect, read, maxRetries, initialBackoff, contextLength,
                promptLogProbs);
    }

    public RemoteOptions withRetries(int retries, Duration backoff) {
        return new RemoteOptions(baseUrl, model, apiKey, connectTimeout, readTimeout, retries, backoff, contextLength,
                promptLogProbs);
    }

    public RemoteOptions withPromptLogProbs(PromptLogProbMode mode) {
        return new RemoteOptions(baseUrl, model, apiKey, connectTimeout, readTimeout, maxRetries, initialBackoff,
                contextLength, mode);
    }
}
