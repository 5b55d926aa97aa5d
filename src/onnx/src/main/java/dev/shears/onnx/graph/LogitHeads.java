package dev.shears.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Appends small heads to a causal-LM graph with a {@code logits} [batch, seq, vocab] output, so that only what a
 * caller needs crosses into Java:
 * <ul>
 *   <li>{@link #TARGET_IDS} (int64 [batch, seq] input) → {@link #TARGET_LOGPROBS} (float [batch, seq]):
 *       {@code GatherElements(LogSoftmax(Cast(logits)), target_ids)}, the log-prob of each target token;</li>
 *   <li>{@link #LAST_LOGITS} (float [batch, vocab]): the logits of the last position, for sampling.</li>
 * </ul>
 * Works for graphs at any opset &gt;= 11 (Unsqueeze/Squeeze axes as attribute before 13, as input from 13).
 */
public final class LogitHeads {

    public static final String LOGITS = "logits";
    public static final String TARGET_IDS = "shears_target_ids";
    public static final String TARGET_LOGPROBS = "shears_target_logprobs";
    public static final String LAST_LOGITS = "shears_last_logits";

    private LogitHeads() {
    }

    /** True when any initializer keeps its data in an external file (such a model cannot be loaded from bytes). */
    /** The external data files the graph's initializers name (their {@code location}), in order, without repeats. */
    public static java.util.Set<String> externalDataFiles(ModelProto model) {
        java.util.Set<String> files = new java.util.LinkedHashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            for (var entry : t.getExternalDataList()) {
                if ("location".equals(entry.getKey())) {
                    files.add(entry.getValue());
                }
            }
        }
        return files;
    }

    public static boolean usesExternalData(ModelProto model) {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                return true;
            }
        }
        return false;
    }

    /** Adds the requested heads; the model must have a {@code logits} output. */
    public static ModelProto append(ModelProto model, boolean targetLogProbs, boolean lastLogits) {
        OnnxGraphBuilder b = OnnxGraphBuilder.edit(model);
        if (!b.hasOutput(LOGITS)) {
            throw new IllegalArgumentException("graph has no '" + LOGITS + "' output");
        }
        if (b.opset() < 11) {
            throw new IllegalArgumentException("opset " + b.opset() + " < 11 is not supported");
        }
        String logits = b.node("Cast").inputs(LOGITS).attr("to", (long) OnnxGraphBuilder.FLOAT).output();
        if (targetLogProbs && !b.hasOutput(TARGET_LOGPROBS)) {
            b.input(TARGET_IDS, OnnxGraphBuilder.INT64, "batch_size", "sequence_length");
            String lsm = b.node("LogSoftmax").inputs(logits).attr("axis", -1L).output();
            String idx = unsqueezeLast(b, TARGET_IDS);
            String picked = b.node("GatherElements").inputs(lsm, idx).attr("axis", 2L).output();
            squeezeLast(b, picked, TARGET_LOGPROBS);
            b.output(TARGET_LOGPROBS, OnnxGraphBuilder.FLOAT, "batch_size", "sequence_length");
        }
        if (lastLogits && !b.hasOutput(LAST_LOGITS)) {
            b.node("Gather").inputs(logits, b.longScalar("last", -1)).attr("axis", 1L).output(LAST_LOGITS);
            b.output(LAST_LOGITS, OnnxGraphBuilder.FLOAT, "batch_size", "vocab_size");
        }
        return b.build();
    }

    private static String unsqueezeLast(OnnxGraphBuilder b, String x) {
        if (b.opset() < 13) {
            return b.node("Unsqueeze").inputs(x).attr("axes", new long[]{2}).output();
        }
        return b.op("Unsqueeze", x, b.longConst("axes", 2));
    }

    private static void squeezeLast(OnnxGraphBuilder b, String x, String out) {
        if (b.opset() < 13) {
            b.node("Squeeze").inputs(x).attr("axes", new long[]{2}).output(out);
        } else {
            b.node("Squeeze").inputs(x, b.longConst("axes", 2)).output(out);
        }
    }
}
