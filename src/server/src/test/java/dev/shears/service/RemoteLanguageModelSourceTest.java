package dev.shears.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.config.LanguageModelConfig;
import dev.shears.client.openai.RemoteOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoteLanguageModelSourceTest {

    record Remote(Optional<String> url, String model, Optional<String> apiKey) implements LanguageModelConfig.Remote {
        public Duration connectTimeout() { return Duration.ofSeconds(3); }
        public Duration readTimeout() { return Duration.ofSeconds(30); }
        public int maxRetries() { return 1; }
        public Duration initialBackoff() { return Duration.ofMillis(50); }
        public int contextLength() { return 4096; }
        public RemoteOptions.PromptLogProbMode promptLogprobs() { return RemoteOptions.PromptLogProbMode.PROMPT_LOGPROBS; }
    }

    @Test
    void no_url_means_no_remote_model() {
        assertTrue(RemoteLanguageModelSource.options(new Remote(Optional.empty(), "m", Optional.empty())).isEmpty());
        assertTrue(RemoteLanguageModelSource.options(new Remote(Optional.of(" "), "m", Optional.empty())).isEmpty());
    }

    @Test
    void every_setting_reaches_the_client_options() {
        RemoteOptions o = RemoteLanguageModelSource.options(new Remote(Optional.of("http://vllm:8000"), "qwen",
                Optional.of("key"))).orElseThrow();
        assertEquals(URI.create("http://vllm:8000"), o.baseUrl());
        assertEquals("qwen", o.model());
        assertEquals("key", o.apiKey());
        assertEquals(Duration.ofSeconds(3), o.connectTimeout());
        assertEquals(Duration.ofSeconds(30), o.readTimeout());
        assertEquals(1, o.maxRetries());
        assertEquals(Duration.ofMillis(50), o.initialBackoff());
        assertEquals(4096, o.contextLength());
        assertEquals(RemoteOptions.PromptLogProbMode.PROMPT_LOGPROBS, o.promptLogProbs());
    }
}
