package dev.shears.onnx.graph;

import dev.shears.onnx.ModelLoadException;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a dynamically quantized graph so that activations are quantized per token instead of per tensor.
 *
 * <p>Why: {@code DynamicQuantizeLinear} takes one scale and zero point over the whole batch, so a sentence's
 * embedding shifts with whatever else (and however much padding) shares its batch. Quantizing each token's
 * vector on its own makes every row independent: results no longer depend on batch composition, so Shears
 * can batch across documents and requests, cache per document, and stay deterministic. Per-token scales are
 * also finer than one scale per batch, so accuracy does not suffer.
 *
 * <p>How: each {@code DynamicQuantizeLinear(x)} becomes ReduceMin/ReduceMax over the last axis and the same
 * affine uint8 mapping per row. {@code MatMulInteger} cannot take a per-row zero point, so it now runs with
 * zero point 0 and the exact int32 correction {@code zp_row * colsum(W - w_zp)} is subtracted after it:
 * {@code sum_k (q - zp)(w - wz) = sum_k q(w - wz) - zp * sum_k (w - wz)}. The per-row scale flows into the
 * graph's existing scale multiplication unchanged (it broadcasts).
 */
public final class RowwiseQuantization {

    private static final String SUFFIX = "_shears_rowwise";

    private RowwiseQuantization() {}

    /** True when the graph quantizes activations dynamically (per tensor). */
    public static boolean applies(OnnxMl.ModelProto model) {
        return model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("DynamicQuantizeLinear"));
    }

    public static byte[] rewrite(byte[] modelBytes) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(modelBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException("not an ONNX model: " + e.getMessage(), e);
        }
        if (!applies(model)) {
            return modelBytes;
        }
        return model.toBuilder().setGraph(rewrite(model.getGraph())).build().toByteArray();
    }

    static GraphProto rewrite(GraphProto graph) {
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, String> rowZeroPoints = new HashMap<>();
        GraphProto.Builder out = graph.toBuilder().clearNode();
        out.addInitializer(scalar("zero_f" + SUFFIX, 0f));
        out.addInitializer(scalar("u8max_f" + SUFFIX, 255f));
        out.addInitializer(scalar("tiny_f" + SUFFIX, 1e-12f));
        out.addInitializer(TensorProto.newBuilder().setName("zero_u8" + SUFFIX).setDataType(TensorProto.DataType.UINT8_VALUE)
                .setRawData(ByteString.copyFrom(new byte[] {0})).build());
        Map<String, String> correctedOutputs = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            switch (n.getOpType()) {
                case "DynamicQuantizeLinear" -> rowZeroPoints.put(n.getOutput(2), quantizePerRow(n, out));
                case "MatMulInteger" -> {
                    String rowZp = rowZeroPoints.get(n.getInput(2));
                    if (rowZp == null) {
                        out.addNode(n);
                        continue;
                    }
                    out.addNode(n.toBuilder().setInput(2, "zero_u8" + SUFFIX).build());
                    String colsum = n.getOutput(0) + "_colsum" + SUFFIX;
                    out.addInitializer(columnSums(colsum, initializers.get(n.getInput(1)),
                            n.getInputCount() > 3 ? initializers.get(n.getInput(3)) : null));
                    String correction = n.getOutput(0) + "_zp_correction" + SUFFIX;
                    String corrected = n.getOutput(0) + "_corrected" + SUFFIX;
                    out.addNode(node("Mul", List.of(rowZp, colsum), correction));
                    out.addNode(node("Sub", List.of(n.getOutput(0), correction), corrected));
                    correctedOutputs.put(n.getOutput(0), corrected);
                }
                default -> out.addNode(rewireInputs(n, correctedOutputs));
            }
        }
        return out.build();
    }

    /** Emits the per-row replacement of one DynamicQuantizeLinear; returns the int32 per-row zero point. */
    private static String quantizePerRow(NodeProto dql, GraphProto.Builder out) {
        String x = dql.getInput(0);
        String p = dql.getOutput(0) + SUFFIX + "_";
        out.addNode(reduce("ReduceMin", x, p + "min"));
        out.addNode(reduce("ReduceMax", x, p + "max"));
        out.addNode(node("Min", List.of(p + "min", "zero_f" + SUFFIX), p + "lo"));
        out.addNode(node("Max", List.of(p + "max", "zero_f" + SUFFIX), p + "hi"));
        out.addNode(node("Sub", List.of(p + "hi", p + "lo"), p + "range"));
        out.addNode(node("Div", List.of(p + "range", "u8max_f" + SUFFIX), p + "scale_raw"));
        out.addNode(node("Max", List.of(p + "scale_raw", "tiny_f" + SUFFIX), dql.getOutput(1)));
        out.addNode(node("Div", List.of(p + "lo", dql.getOutput(1)), p + "lo_q"));
        out.addNode(node("Neg", List.of(p + "lo_q"), p + "zp_raw"));
        out.addNode(node("Round", List.of(p + "zp_raw"), p + "zp_round"));
        out.addNode(node("Clip", List.of(p + "zp_round", "zero_f" + SUFFIX, "u8max_f" + SUFFIX), p + "zp_f"));
        out.addNode(node("Div", List.of(x, dql.getOutput(1)), p + "x_scaled"));
        out.addNode(node("Round", List.of(p + "x_scaled"), p + "x_round"));
        out.addNode(node("Add", List.of(p + "x_round", p + "zp_f"), p + "x_shift"));
        out.addNode(node("Clip", List.of(p + "x_shift", "zero_f" + SUFFIX, "u8max_f" + SUFFIX), p + "x_clip"));
        out.addNode(cast(p + "x_clip", dql.getOutput(0), TensorProto.DataType.UINT8_VALUE));
        out.addNode(cast(p + "zp_f", p + "zp_i32", TensorProto.DataType.INT32_VALUE));
        return p + "zp_i32";
    }

    /** {@code sum_k (W[k, n] - wz[n])} as int32 [N], for an int8 or uint8 weight [K, N]. */
    static TensorProto columnSums(String name, TensorProto weight, TensorProto weightZeroPoint) {
        if (weight == null || weight.getDimsCount() != 2) {
            throw new ModelLoadException("MatMulInteger weight is not a 2-D initializer; cannot quantize per row");
        }
        int k = (int) weight.getDims(0);
        int n = (int) weight.getDims(1);
        int[] w = ints(weight, k * n);
        int[] wz = weightZeroPoint == null ? new int[n] : ints(weightZeroPoint, -1);
        ByteBuffer sums = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int col = 0; col < n; col++) {
            int zp = wz.length == 1 ? wz[0] : wz.length == 0 ? 0 : wz[col];
            int s = 0;
            for (int row = 0; row < k; row++) {
                s += w[row * n + col] - zp;
            }
            sums.putInt(s);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT32_VALUE).addDims(n)
                .setRawData(ByteString.copyFrom(sums.array())).build();
    }

    /** Element values of an int8/uint8 tensor stored as raw bytes or in int32_data. */
    private static int[] ints(TensorProto t, int expected) {
        boolean signed = t.getDataType() == TensorProto.DataType.INT8_VALUE;
        if (!t.getRawData().isEmpty()) {
            byte[] raw = t.getRawData().toByteArray();
            int[] v = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                v[i] = signed ? raw[i] : raw[i] & 0xFF;
            }
            return v;
        }
        int[] v = t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
        if (expected >= 0 && v.length != expected) {
            throw new ModelLoadException("initializer '" + t.getName() + "' has " + v.length + " values, expected " + expected);
        }
        return v;
    }

    private static NodeProto rewireInputs(NodeProto n, Map<String, String> renamed) {
        NodeProto.Builder b = null;
        for (int i = 0; i < n.getInputCount(); i++) {
            String replacement = renamed.get(n.getInput(i));
            if (replacement != null) {
                if (b == null) {
                    b = n.toBuilder();
                }
                b.setInput(i, replacement);
            }
        }
        return b == null ? n : b.build();
    }

    /** A node named after its single output (the naming the rewrites here use). */
    static NodeProto node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output + "_node").addAllInput(inputs).addOutput(output).build();
    }

    private static NodeProto reduce(String op, String input, String output) {
        return node(op, List.of(input), output).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS).addInts(-1))
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(1))
                .build();
    }

    static NodeProto cast(String input, String output, int to) {
        return node("Cast", List.of(input), output).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(to))
                .build();
    }

    static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value).build();
    }
}
