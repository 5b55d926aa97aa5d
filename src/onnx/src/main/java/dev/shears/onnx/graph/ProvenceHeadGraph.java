package dev.shears.onnx.graph;

import static dev.shears.onnx.graph.OnnxGraphBuilder.FLOAT;

import ai.onnx.proto.OnnxMl;
import dev.shears.onnx.graph.OnnxGraphBuilder;

/**
 * Appends Provence heads to a BERT-style encoder graph whose output {@code last_hidden_state} is [B, L, D]
 * (opset 11 operators, so it works on graphs importing opset 11 or later).
 *
 * <p>Features per token t of a block: {@code f_t = [h_t, h_t ⊙ h_cls, h_t ⊙ q]} (3D values), where
 * {@code h_cls} is the state at position 0 and {@code q} the mean state over the positions before the first
 * {@code [SEP]} ([CLS] and the query). Token head: {@code z_t = w2 · relu(W1 f_t + b1) + b2} (or linear
 * {@code w · f_t + b} when there is no hidden layer), keep-prob {@code sigmoid(z_t)}. Rank head:
 * {@code r = wr · [h_cls, q, h_cls ⊙ q] + br}. With gating, the token output is
 * {@code sigmoid(z_t) · sigmoid(r)}. New outputs: {@code rank_logits} [B, 1] and {@code token_keep_probs} [B, L];
 * the encoder's own outputs are dropped.
 */
public final class ProvenceHeadGraph {

    public static final String RANK_OUTPUT = "rank_logits";
    public static final String TOKEN_OUTPUT = "token_keep_probs";

    /**
     * Weights in graph layout (row-major), already folded with any feature standardisation.
     *
     * @param w1 [3D × H] first layer, or [3D] when {@code hidden == 0} (linear head)
     * @param b1 [H] (empty for a linear head)
     * @param w2 [H] (empty for a linear head)
     * @param b2 output bias
     * @param wr [3D] rank weights
     * @param br rank bias
     */
    public record Heads(int dim, int hidden, float[] w1, float[] b1, float[] w2, float b2, float[] wr, float br, boolean gate) {}

    private ProvenceHeadGraph() {}

    public static byte[] append(byte[] encoder, String hiddenOutput, long sepId, Heads heads) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(encoder);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        int d = heads.dim();
        OnnxGraphBuilder g = OnnxGraphBuilder.edit(model).clearOutputs();
        String p = "provence/";
        g.longInitializer(p + "zero", new long[] {0});
        g.longInitializer(p + "one", new long[] {1});
        g.longInitializer(p + "sep", new long[] {sepId});
        g.floatInitializer(p + "half", new float[] {0.5f});
        // [CLS] state and mean state of [CLS] + query
        g.node("Gather").name(p + "cls").inputs(hiddenOutput, p + "zero").attr("axis", 1).output(p + "cls");
        g.node("Equal").name(p + "is_sep").inputs("input_ids", p + "sep").output(p + "is_sep");
        g.node("Cast").name(p + "is_sep_f").inputs(p + "is_sep").attr("to", FLOAT).output(p + "is_sep_f");
        g.node("CumSum").name(p + "seps_before").inputs(p + "is_sep_f", p + "one").output(p + "seps_before");
        g.node("Less").name(p + "in_query").inputs(p + "seps_before", p + "half").output(p + "in_query");
        g.node("Cast").name(p + "qmask").inputs(p + "in_query").attr("to", FLOAT).output(p + "qmask");
        g.node("Unsqueeze").name(p + "qmask_u").inputs(p + "qmask").attr("axes", new long[] {2}).output(p + "qmask_u");
        g.node("Mul").name(p + "hq").inputs(hiddenOutput, p + "qmask_u").output(p + "hq");
        g.node("ReduceSum").name(p + "qsum").inputs(p + "hq").attr("axes", new long[] {1}).attr("keepdims", 0).output(p + "qsum");
        g.node("ReduceSum").name(p + "qcount").inputs(p + "qmask").attr("axes", new long[] {1}).attr("keepdims", 1)
                .output(p + "qcount");
        g.node("Div").name(p + "q").inputs(p + "qsum", p + "qcount").output(p + "q");
        // token features
        g.node("Unsqueeze").name(p + "cls_u").inputs(p + "cls").attr("axes", new long[] {1}).output(p + "cls_u");
        g.node("Unsqueeze").name(p + "q_u").inputs(p + "q").attr("axes", new long[] {1}).output(p + "q_u");
        g.node("Mul").name(p + "h_cls").inputs(hiddenOutput, p + "cls_u").output(p + "h_cls");
        g.node("Mul").name(p + "h_q").inputs(hiddenOutput, p + "q_u").output(p + "h_q");
        g.node("Concat").name(p + "features").inputs(hiddenOutput, p + "h_cls", p + "h_q").attr("axis", 2).output(p + "features");
        if (heads.hidden() == 0) {
            g.floatInitializer(p + "w", heads.w1(), 3L * d);
            g.floatInitializer(p + "b", new float[] {heads.b2()});
            g.node("MatMul").name(p + "z_mm").inputs(p + "features", p + "w").output(p + "z_mm");
            g.node("Add").name(p + "z").inputs(p + "z_mm", p + "b").output(p + "z");
        } else {
            int h = heads.hidden();
            g.floatInitializer(p + "w1", heads.w1(), 3L * d, h);
            g.floatInitializer(p + "b1", heads.b1(), h);
            g.floatInitializer(p + "w2", heads.w2(), h);
            g.floatInitializer(p + "b2", new float[] {heads.b2()});
            g.node("MatMul").name(p + "a_mm").inputs(p + "features", p + "w1").output(p + "a_mm");
            g.node("Add").name(p + "a_pre").inputs(p + "a_mm", p + "b1").output(p + "a_pre");
            g.node("Relu").name(p + "a").inputs(p + "a_pre").output(p + "a");
            g.node("MatMul").name(p + "z_mm").inputs(p + "a", p + "w2").output(p + "z_mm");
            g.node("Add").name(p + "z").inputs(p + "z_mm", p + "b2").output(p + "z");
        }
        // rank head on [cls, q, cls ⊙ q]
        g.node("Mul").name(p + "cls_q").inputs(p + "cls", p + "q").output(p + "cls_q");
        g.node("Concat").name(p + "rank_features").inputs(p + "cls", p + "q", p + "cls_q").attr("axis", 1)
                .output(p + "rank_features");
        g.floatInitializer(p + "wr", heads.wr(), 3L * d, 1);
        g.floatInitializer(p + "br", new float[] {heads.br()});
        g.node("MatMul").name(p + "r_mm").inputs(p + "rank_features", p + "wr").output(p + "r_mm");
        g.node("Add").name(p + "r").inputs(p + "r_mm", p + "br").output(RANK_OUTPUT);
        if (heads.gate()) {
            g.node("Sigmoid").name(p + "p_tok").inputs(p + "z").output(p + "p_tok");
            g.node("Sigmoid").name(p + "p_rank").inputs(RANK_OUTPUT).output(p + "p_rank");
            g.node("Mul").name(p + "gated").inputs(p + "p_tok", p + "p_rank").output(TOKEN_OUTPUT);
        } else {
            g.node("Sigmoid").name(p + "p_tok").inputs(p + "z").output(TOKEN_OUTPUT);
        }
        g.output(RANK_OUTPUT, FLOAT, "batch_size", 1L);
        g.output(TOKEN_OUTPUT, FLOAT, "batch_size", "sequence_length");
        return g.toBytes();
    }
}
