package dev.shears.onnx.prune;

import java.util.List;

/**
 * One transformer block of a BERT-style encoder as found in its ONNX graph (see {@link EncoderBlocks}).
 *
 * @param index            the block's number in the exporter's names ({@code /encoder/layer.N/...})
 * @param prefix           the node-name prefix of the block's nodes, e.g. {@code /encoder/layer.3/}
 * @param input            the hidden state entering the block (residual stream)
 * @param output           the hidden state leaving it
 * @param query            Q projection (its outputs are grouped by head)
 * @param key              K projection
 * @param value            V projection
 * @param attentionOutput  the projection of the concatenated per-head context vectors back to the hidden size
 * @param intermediate     the MLP's first dense layer (one output per MLP channel)
 * @param mlpOutput        the MLP's second dense layer (one input per MLP channel)
 * @param headCounts       int64 constants holding the number of heads, shaping Q, K and V per head
 * @param contextWidth     int64 constant holding heads x head size, shaping the context before
 *                         {@code attentionOutput}
 * @param heads            number of attention heads
 * @param headSize         features per head
 */
public record EncoderBlock(int index, String prefix, String input, String output,
        Projection query, Projection key, Projection value, Projection attentionOutput,
        Projection intermediate, Projection mlpOutput,
        List<ShapeConstant> headCounts, ShapeConstant contextWidth, int heads, int headSize) {

    /** A linear layer and the 1-D bias initializer added right after it. */
    public record Projection(LinearLayer layer, String bias) {}

    /**
     * An int64 1-element value in a shape computation: the output of a {@code Constant} node (then
     * {@code node} names it) or an initializer ({@code node} null).
     */
    public record ShapeConstant(String tensor, String node, long value) {}

    public List<Projection> headProjections() {
        return List.of(query, key, value);
    }
}
