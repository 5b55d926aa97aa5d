package dev.shears.pruning.provence;

import java.util.List;

/**
 * The SPI a Provence-style dual-head model implements: one forward pass per block
 * ({@code [CLS] query [SEP] context [SEP]}, ids already wrapped in specials) giving the block's relevance
 * logit and a keep-probability for every token. Implementations may batch and pad as they like; the result
 * for a block must not depend on which other blocks it was batched with.
 */
public interface TokenKeepModel {

    /** One {@link BlockOutput} per block, same order; {@code keepProbs.length == block.length}. */
    List<BlockOutput> run(List<long[]> blocks);

    /**
     * @param rankLogit the block's relevance logit (reranking head, unbounded)
     * @param keepProbs per token of the block (specials and query included), probability in [0, 1] that the
     *     token belongs to text worth keeping
     */
    record BlockOutput(double rankLogit, double[] keepProbs) {}
}
