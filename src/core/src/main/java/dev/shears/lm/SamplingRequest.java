package dev.shears.lm;

import java.util.List;

/**
 * Generate {@code n} continuations of {@code prompt}.
 *
 * @param temperature 0 means greedy (arg-max); otherwise logits are divided by it before sampling
 * @param topP        nucleus mass in (0, 1]; 1 disables nucleus filtering
 * @param maxTokens   at most this many generated tokens per completion (&gt;= 1)
 * @param stop        stop strings; generation ends before the first occurrence, which is not included
 * @param seed        seed for reproducible sampling; null picks a random one
 */
public record SamplingRequest(String prompt, int n, double temperature, double topP, int maxTokens,
                              List<String> stop, Long seed) {
    public SamplingRequest {
        prompt = prompt == null ? "" : prompt;
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must be non-empty");
            }
        }
    }

    /** Greedy decoding of one completion. */
    public static SamplingRequest greedy(String prompt, int maxTokens) {
        return new SamplingRequest(prompt, 1, 0.0, 1.0, maxTokens, List.of(), 0L);
    }
}
