package dev.shears.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.shears.onnx.prune.LinearLayer;
import dev.shears.onnx.prune.LinearLayers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Int8 dynamic quantization of a float graph's linear layers, in the form ONNX Runtime runs fast and the
 * published int8 bge-small uses: every MatMul/Gemm with a float initializer weight ({@link LinearLayers})
 * becomes {@code DynamicQuantizeLinear(x)} (uint8 activations, one scale per tensor, shared by all layers
 * reading the same x) → {@code MatMulInteger(x_q, W_q, x_zp, 0)} → {@code Cast} to float →
 * {@code Mul} by {@code x_scale * w_scale}. ORT fuses this pattern into one int8 kernel.
 *
 * <p>Weights: int8, symmetric (zero point 0) with one scale per output channel ({@code max|w| / range}), so a
 * pruned zero is stored as exactly 0 and an N:M pattern survives. A nonzero weight under half a step also
 * rounds to 0 ({@link LayerStats#roundedToZero}) unless {@code keepZeroSet}: then it is stored as ±1, so the
 * int8 zeros are exactly the float zeros (a pruned model keeps its exact sparsity). That costs accuracy when
 * many weights are that small: on unpruned bge-small (2% of weights) the min cosine to fp32 over 200 WikiQA
 * sentences drops from 0.995 to 0.978; after 50% magnitude pruning it touches 0.02% of the weights.
 * The default range is 7 bits (±64), as in the published graph: on CPUs without VNNI the u8×s8 kernels add
 * pairs of products in int16, which ±127 weights can overflow.
 *
 * <p>Activations are quantized per tensor, as published; {@link RowwiseQuantization} turns that into per-token
 * quantization at load when Shears batches (manifest {@code rowwise_quantization: true}), the same path the
 * published graph takes. Embedding tables, LayerNorms, biases and activation×activation MatMuls stay float.
 */
public final class DynamicQuantization {

    /** Largest |int8| a weight is stored with by default: 7 bits, as published (see the class comment). */
    public static final int REDUCED_RANGE = 64;
    /** The full int8 range, for CPUs with VNNI (or when int16 saturation is known not to matter). */
    public static final int FULL_RANGE = 127;

    private static final String SUFFIX = "_shears_int8";

    private DynamicQuantization() {}

    /** One quantized layer: its zeros in float and in int8. */
    public record LayerStats(String weight, int in, int out, int floatZeros, int int8Zeros) {
        /** Nonzero float weights stored as int8 0 (under half a quantization step of their channel). */
        public int roundedToZero() {
            return int8Zeros - floatZeros;
        }
    }

    /** The quantized model and per-layer statistics. */
    public record Result(ModelProto model, List<LayerStats> layers) {
        public long weights() {
            return layers.stream().mapToLong(l -> (long) l.in() * l.out()).sum();
        }

        public long int8Zeros() {
            return layers.stream().mapToLong(LayerStats::int8Zeros).sum();
        }

        public long floatZeros() {
            return layers.stream().mapToLong(LayerStats::floatZeros).sum();
        }
    }

    /** Quantizes with {@link #REDUCED_RANGE} (7-bit) weights, rounding small weights to 0. */
    public static Result quantize(ModelProto model) {
        return quantize(model, REDUCED_RANGE, false);
    }

    /**
     * @param weightRange largest stored |int8| value, 1..127 ({@link #REDUCED_RANGE} or {@link #FULL_RANGE})
     * @param keepZeroSet store nonzero weights that round to 0 as ±1, so int8 zeros = float zeros
     */
    public static Result quantize(ModelProto model, int weightRange, boolean keepZeroSet) {
        if (weightRange < 1 || weightRange > 127) {
            throw new IllegalArgumentException("weight range must be in 1..127: " + weightRange);
        }
        if (OnnxGraphBuilder.opsetOf(model) < 11) {
            throw new IllegalArgumentException("DynamicQuantizeLinear and MatMulInteger need opset >= 11, graph has "
                    + OnnxGraphBuilder.opsetOf(model));
        }
        GraphProto graph = model.getGraph();
        Map<String, LinearLayer> layers = new HashMap<>();
        LinearLayers.find(graph).forEach(l -> layers.put(l.weight(), l));
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

        GraphProto.Builder out = graph.toBuilder().clearNode();
        List<LayerStats> stats = new ArrayList<>();
        Map<String, QuantizedWeight> quantized = new LinkedHashMap<>();
        Map<String, String> quantizedInputs = new HashMap<>(); // activation → prefix of its DynamicQuantizeLinear outputs
        Set<String> stillUsed = new HashSet<>();
        List<TensorProto> constants = new ArrayList<>(); // Gemm alpha/beta
        for (NodeProto n : graph.getNodeList()) {
            LinearLayer layer = n.getInputCount() > 1 && n.getDomain().isEmpty()
                    && (n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm")) ? layers.get(n.getInput(1)) : null;
            if (layer == null) {
                out.addNode(n);
                stillUsed.addAll(n.getInputList());
                continue;
            }
            QuantizedWeight w = quantized.computeIfAbsent(layer.weight(), k -> {
                QuantizedWeight q = QuantizedWeight.of(layer, LinearLayers.floats(initializers.get(k)), weightRange, keepZeroSet);
                stats.add(q.stats());
                return q;
            });
            String x = n.getInput(0);
            String xq = quantizedInputs.computeIfAbsent(x, a -> {
                out.addNode(RowwiseQuantization.node("DynamicQuantizeLinear", List.of(a), a + SUFFIX).toBuilder()
                        .clearOutput().addOutput(a + SUFFIX).addOutput(a + SUFFIX + "_scale").addOutput(a + SUFFIX + "_zero_point")
                        .build());
                return a + SUFFIX;
            });
            stillUsed.add(x);
            String y = n.getOutput(0);
            String p = y + SUFFIX + "_";
            String scale = w.scales().getName();
            if (n.getOpType().equals("Gemm") && OnnxNodes.floatAttribute(n, "alpha", 1f) != 1f) {
                constants.add(RowwiseQuantization.scalar(p + "alpha", OnnxNodes.floatAttribute(n, "alpha", 1f)));
                out.addNode(RowwiseQuantization.node("Mul", List.of(scale, p + "alpha"), p + "alpha_scale"));
                scale = p + "alpha_scale";
            }
            out.addNode(RowwiseQuantization.node("Mul", List.of(xq + "_scale", scale), p + "scales"));
            out.addNode(RowwiseQuantization.node("MatMulInteger",
                    List.of(xq, w.values().getName(), xq + "_zero_point", w.zeroPoints().getName()), p + "int32"));
            out.addNode(RowwiseQuantization.cast(p + "int32", p + "float", TensorProto.DataType.FLOAT_VALUE));
            boolean bias = n.getOpType().equals("Gemm") && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            out.addNode(RowwiseQuantization.node("Mul", List.of(p + "float", p + "scales"), bias ? p + "product" : y));
            if (bias) {
                String c = n.getInput(2);
                stillUsed.add(c);
                float beta = OnnxNodes.floatAttribute(n, "beta", 1f);
                if (beta != 1f) {
                    constants.add(RowwiseQuantization.scalar(p + "beta", beta));
                    out.addNode(RowwiseQuantization.node("Mul", List.of(c, p + "beta"), p + "bias"));
                    c = p + "bias";
                }
                out.addNode(RowwiseQuantization.node("Add", List.of(p + "product", c), y));
            }
        }
        // drop the float weights no remaining node reads
        graph.getOutputList().forEach(o -> stillUsed.add(o.getName()));
        out.clearInitializer();
        for (TensorProto t : graph.getInitializerList()) {
            if (!quantized.containsKey(t.getName()) || stillUsed.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        quantized.values().forEach(q -> out.addInitializer(q.values()).addInitializer(q.scales()).addInitializer(q.zeroPoints()));
        out.addAllInitializer(constants);
        out.clearInput();
        graph.getInputList().stream()
                .filter(i -> !quantized.containsKey(i.getName()) || stillUsed.contains(i.getName()))
                .forEach(out::addInput);
        return new Result(model.toBuilder().setGraph(out).build(), List.copyOf(stats));
    }

    /** A weight as int8 [in, out] (MatMulInteger's layout), per-output-channel scales, and zero zero points. */
    record QuantizedWeight(TensorProto values, TensorProto scales, TensorProto zeroPoints, LayerStats stats) {

        static QuantizedWeight of(LinearLayer layer, float[] stored, int range, boolean keepZeroSet) {
            float[] rows = layer.toRows(stored);
            int in = layer.in();
            int out = layer.out();
            byte[] q = new byte[in * out];
            ByteBuffer scales = ByteBuffer.allocate(4 * out).order(ByteOrder.LITTLE_ENDIAN);
            int floatZeros = 0;
            int int8Zeros = 0;
            for (int o = 0; o < out; o++) {
                float max = 0;
                for (int i = 0; i < in; i++) {
                    max = Math.max(max, Math.abs(rows[o * in + i]));
                }
                float scale = max == 0 ? 1f : max / range;
                scales.putFloat(scale);
                for (int i = 0; i < in; i++) {
                    float w = rows[o * in + i];
                    int v = Math.max(-range, Math.min(range, Math.round(w / scale)));
                    if (v == 0 && w != 0 && keepZeroSet) {
                        v = w > 0 ? 1 : -1;
                    }
                    floatZeros += w == 0 ? 1 : 0;
                    int8Zeros += v == 0 ? 1 : 0;
                    q[i * out + o] = (byte) v;
                }
            }
            String name = quantizedName(layer.weight());
            return new QuantizedWeight(
                    TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT8_VALUE).addDims(in).addDims(out)
                            .setRawData(ByteString.copyFrom(q)).build(),
                    TensorProto.newBuilder().setName(name + "_scale").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(out)
                            .setRawData(ByteString.copyFrom(scales.array())).build(),
                    TensorProto.newBuilder().setName(name + "_zero_point").setDataType(TensorProto.DataType.INT8_VALUE).addDims(out)
                            .setRawData(ByteString.copyFrom(new byte[out])).build(),
                    new LayerStats(layer.weight(), in, out, floatZeros, int8Zeros));
        }
    }

    /** The name of the int8 initializer that replaces float weight {@code weight}. */
    public static String quantizedName(String weight) {
        return weight + SUFFIX;
    }

    /** Zeros in an int8 initializer (for checking a written model). */
    public static int int8Zeros(TensorProto t) {
        int zeros = 0;
        for (byte b : t.getRawData().toByteArray()) {
            zeros += b == 0 ? 1 : 0;
        }
        return zeros;
    }
}
