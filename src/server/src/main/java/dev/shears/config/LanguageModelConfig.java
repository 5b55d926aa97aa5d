package dev.shears.config;

import dev.shears.client.openai.RemoteOptions;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Language-model settings under {@code shears.lm.*}: the locally hosted model served at {@code /local/v1/*}
 * and the remote OpenAI-compatible source later features use. Each key is listed in src/docs/configuration.md.
 */
@ConfigMapping(prefix = "shears.lm")
public interface LanguageModelConfig {

    /** Directory of an Optimum causal-LM export (see models/README.md); absent = no local language model. */
    Optional<String> location();

    /** cpu or cuda (falls back to cpu with a log line). */
    @WithDefault("cpu")
    String device();

    @WithDefault("2")
    int intraOpThreads();

    /** Overrides the context length from config.json; 0 keeps the model's. */
    @WithDefault("0")
    int contextLength();

    /** Model calls waiting or running at once; one more is answered 429 at once. */
    @WithDefault("16")
    int maxQueuedCalls();

    Limits limits();

    Remote remote();

    interface Limits {
        /** Most characters in one prompt (or all chat messages together). */
        @WithDefault("100000")
        int maxPromptChars();

        /** Largest {@code max_tokens} a request may ask for. */
        @WithDefault("1024")
        int maxTokens();

        /** Largest {@code n} (completions per prompt). */
        @WithDefault("8")
        int maxN();

        /** Most prompts in one {@code /local/v1/completions} request. */
        @WithDefault("32")
        int maxPrompts();
    }

    /** An OpenAI-compatible server (vLLM...) used as a {@link dev.shears.lm.LanguageModel}. */
    interface Remote {
        /** Server root; {@code /v1/completions} is appended. Absent = no remote source. */
        Optional<String> url();

        /** Served model name sent as {@code model}. */
        @WithDefault("default")
        String model();

        /** Bearer key for the server; never logged. */
        Optional<String> apiKey();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("60s")
        Duration readTimeout();

        /** Extra attempts after a 429 or 5xx. */
        @WithDefault("2")
        int maxRetries();

        @WithDefault("200ms")
        Duration initialBackoff();

        /** The server's context length if known; 0 = unknown. */
        @WithDefault("0")
        int contextLength();

        /** echo (legacy completions echo + logprobs) or prompt-logprobs (vLLM extension). */
        @WithDefault("echo")
        RemoteOptions.PromptLogProbMode promptLogprobs();
    }
}
