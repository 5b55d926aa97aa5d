package dev.shears.runtime.provence;

import static dev.shears.runtime.provence.OnnxGraphs.floats;
import static dev.shears.runtime.provence.OnnxGraphs.intAttr;
import static dev.shears.runtime.provence.OnnxGraphs.intsAttr;
import static dev.shears.runtime.provence.OnnxGraphs.longs;
import static dev.shears.runtime.provence.OnnxGraphs.node;
import static dev.shears.runtime.provence.OnnxGraphs.tensor;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;

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
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        g.clearOutput();
        String p = "provence/";
        g.addInitializer(longs(p + "zero", new long[] {}, new long[] {0}));
        g.addInitializer(longs(p + "one", new long[] {}, new long[] {1}));
        g.addInitializer(longs(p + "sep", new long[] {}, new long[] {sepId}));
        g.addInitializer(floats(p + "half", new long[] {}, new float[] {0.5f}));
        // [CLS] state and mean state of [CLS] + query
        g.addNode(node("Gather", p + "cls", List.of(hiddenOutput, p + "zero"), List.of(p + "cls"), intAttr("axis", 1)));
        g.addNode(node("Equal", p + "is_sep", List.of("input_ids", p + "sep"), List.of(p + "is_sep")));
        g.addNode(node("Cast", p + "is_sep_f", List.of(p + "is_sep"), List.of(p + "is_sep_f"), intAttr("to", DataType.FLOAT.getNumber())));
        g.addNode(node("CumSum", p + "seps_before", List.of(p + "is_sep_f", p + "one"), List.of(p + "seps_before")));
        g.addNode(node("Less", p + "in_query", List.of(p + "seps_before", p + "half"), List.of(p + "in_query")));
        g.addNode(node("Cast", p + "qmask", List.of(p + "in_query"), List.of(p + "qmask"), intAttr("to", DataType.FLOAT.getNumber())));
        g.addNode(node("Unsqueeze", p + "qmask_u", List.of(p + "qmask"), List.of(p + "qmask_u"), intsAttr("axes", 2)));
        g.addNode(node("Mul", p + "hq", List.of(hiddenOutput, p + "qmask_u"), List.of(p + "hq")));
        g.addNode(node("ReduceSum", p + "qsum", List.of(p + "hq"), List.of(p + "qsum"), intsAttr("axes", 1), intAttr("keepdims", 0)));
        g.addNode(node("ReduceSum", p + "qcount", List.of(p + "qmask"), List.of(p + "qcount"), intsAttr("axes", 1), intAttr("keepdims", 1)));
        g.addNode(node("Div", p + "q", List.of(p + "qsum", p + "qcount"), List.of(p + "q")));
        // token features
        g.addNode(node("Unsqueeze", p + "cls_u", List.of(p + "cls"), List.of(p + "cls_u"), intsAttr("axes", 1)));
        g.addNode(node("Unsqueeze", p + "q_u", List.of(p + "q"), List.of(p + "q_u"), intsAttr("axes", 1)));
        g.addNode(node("Mul", p + "h_cls", List.of(hiddenOutput, p + "cls_u"), List.of(p + "h_cls")));
        g.addNode(node("Mul", p + "h_q", List.of(hiddenOutput, p + "q_u"), List.of(p + "h_q")));
        g.addNode(node("Concat", p + "features", List.of(hiddenOutput, p + "h_cls", p + "h_q"), List.of(p + "features"),
                intAttr("axis", 2)));
        if (heads.hidden() == 0) {
            g.addInitializer(floats(p + "w", new long[] {3L * d}, heads.w1()));
            g.addInitializer(floats(p + "b", new long[] {}, new float[] {heads.b2()}));
            g.addNode(node("MatMul", p + "z_mm", List.of(p + "features", p + "w"), List.of(p + "z_mm")));
            g.addNode(node("Add", p + "z", List.of(p + "z_mm", p + "b"), List.of(p + "z")));
        } else {
            int h = heads.hidden();
            g.addInitializer(floats(p + "w1", new long[] {3L * d, h}, heads.w1()));
            g.addInitializer(floats(p + "b1", new long[] {h}, heads.b1()));
            g.addInitializer(floats(p + "w2", new long[] {h}, heads.w2()));
            g.addInitializer(floats(p + "b2", new long[] {}, new float[] {heads.b2()}));
            g.addNode(node("MatMul", p + "a_mm", List.of(p + "features", p + "w1"), List.of(p + "a_mm")));
            g.addNode(node("Add", p + "a_pre", List.of(p + "a_mm", p + "b1"), List.of(p + "a_pre")));
            g.addNode(node("Relu", p + "a", List.of(p + "a_pre"), List.of(p + "a")));
            g.addNode(node("MatMul", p + "z_mm", List.of(p + "a", p + "w2"), List.of(p + "z_mm")));
            g.addNode(node("Add", p + "z", List.of(p + "z_mm", p + "b2"), List.of(p + "z")));
        }
        // rank head on [cls, q, cls ⊙ q]
        g.addNode(node("Mul", p + "cls_q", List.of(p + "cls", p + "q"), List.of(p + "cls_q")));
        g.addNode(node("Concat", p + "rank_features", List.of(p + "cls", p + "q", p + "cls_q"), List.of(p + "rank_features"),
                intAttr("axis", 1)));
        g.addInitializer(floats(p + "wr", new long[] {3L * d, 1}, heads.wr()));
        g.addInitializer(floats(p + "br", new long[] {}, new float[] {heads.br()}));
        g.addNode(node("MatMul", p + "r_mm", List.of(p + "rank_features", p + "wr"), List.of(p + "r_mm")));
        g.addNode(node("Add", p + "r", List.of(p + "r_mm", p + "br"), List.of(RANK_OUTPUT)));
        if (heads.gate()) {
            g.addNode(node("Sigmoid", p + "p_tok", List.of(p + "z"), List.of(p + "p_tok")));
            g.addNode(node("Sigmoid", p + "p_rank", List.of(RANK_OUTPUT), List.of(p + "p_rank")));
            g.addNode(node("Mul", p + "gated", List.of(p + "p_tok", p + "p_rank"), List.of(TOKEN_OUTPUT)));
        } else {
            g.addNode(node("Sigmoid", p + "p_tok", List.of(p + "z"), List.of(TOKEN_OUTPUT)));
        }
        g.addOutput(tensor(RANK_OUTPUT, DataType.FLOAT, "batch_size", 1L));
        g.addOutput(tensor(TOKEN_OUTPUT, DataType.FLOAT, "batch_size", "sequence_length"));
        return model.toBuilder().setGraph(g).build().toByteArray();
    }
}
