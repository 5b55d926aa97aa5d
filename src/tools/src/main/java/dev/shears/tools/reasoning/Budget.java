package dev.shears.tools.reasoning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.reasoning.ReasoningOptions;

/** One budget a chain is pruned to: a keep ratio or a token count. */
record Budget(Double keepRatio, Integer maxTokens) {

    ReasoningOptions options(ReasoningOptions.Mode mode) {
        return new ReasoningOptions(keepRatio, maxTokens, mode, false);
    }

    void describe(ObjectNode out) {
        if (maxTokens != null) {
            out.put("max_tokens", maxTokens);
        } else {
            out.put("keep_ratio", keepRatio);
        }
    }
}
