package dev.shears.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The OpenAI-compatible gateway ({@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/models}). */
@ConfigMapping(prefix = "shears.gateway")
public interface GatewayConfig {

    Upstream upstream();

    Context context();

    Reasoning reasoning();

    Voting voting();

    /** Forward the request unpruned when a pruning policy fails (logged and counted); false answers the error. */
    @WithDefault("true")
    boolean failOpen();

    interface Upstream {
        /** The upstream's OpenAI API root, the part before {@code /chat/completions} (e.g. {@code http://vllm:8000/v1}). */
        Optional<URI> url();

        /** Bearer key sent upstream instead of the client's {@code Authorization} header. */
        Optional<String> apiKey();

        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest silence from the upstream, before its answer starts or between two chunks of it. */
        @WithDefault("120s")
        Duration readTimeout();

        /** Retries after a 429 or 5xx answer (never after a connection error or a timeout, never once a stream started). */
        @WithDefault("2")
        int maxRetries();

        /** Delay before the first retry; it doubles on each further retry. */
        @WithDefault("250ms")
        Duration retryDelay();

        CircuitBreaker circuitBreaker();
    }

    interface CircuitBreaker {
        /** Calls in the rolling window the failure ratio is computed over. */
        @WithDefault("20")
        int requestVolume();

        /** Share of failed calls (after retries) in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker refuses calls before letting one through. */
        @WithDefault("30s")
        Duration delay();
    }

    interface Context {
        /** Prune marked documents by default. */
        @WithDefault("true")
        boolean enabled();

        /** Tags that mark a retrieved document inside a message. */
        @WithDefault("document,context")
        List<String> tags();

        /** Keep threshold for sentences; none = the model's calibrated default. */
        Optional<Double> threshold();
    }

    interface Reasoning {
        /** {@code off}, {@code prune} (reasoning-step pruning) or {@code drop} earlier assistant turns' reasoning. */
        @WithDefault("off")
        String mode();

        /** Share of a reasoning chain's tokens kept by {@code prune}. */
        @WithDefault("0.5")
        double keepRatio();
    }

    interface Voting {
        /** Answer a request with {@code n} > 1 with the one choice path voting picks. */
        @WithDefault("false")
        boolean enabled();
    }
}
