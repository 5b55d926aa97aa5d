package dev.shears.lm;

import java.util.List;

/**
 * One generated continuation. {@code tokens} carry offsets into {@code text} and the model's (temperature-free)
 * log-prob of each sampled token. {@code finishReason} is {@code "stop"} (EOS or a stop string) or
 * {@code "length"} (max tokens or the context length reached).
 */
public record Completion(String text, List<TokenLogProb> tokens, String finishReason) {
    public static final String STOP = "stop";
    public static final String LENGTH = "length";

    public Completion {
        tokens = List.copyOf(tokens);
    }
}
