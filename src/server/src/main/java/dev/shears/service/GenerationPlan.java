package dev.shears.service;

import java.util.List;

/**
 * A validated generation request for the local model: every prompt gets {@code n} choices.
 *
 * @param maxTokens 0 only with {@code echo}: score the prompt, generate nothing
 * @param echo      put the prompt (and, with log-probs, its tokens' log-probs) before each choice
 * @param logprobs  return per-token log-probs
 */
public record GenerationPlan(List<String> prompts, int n, int maxTokens, double temperature, double topP,
                             List<String> stop, Long seed, boolean echo, boolean logprobs) {

    public GenerationPlan {
        prompts = List.copyOf(prompts);
        stop = List.copyOf(stop);
    }
}
