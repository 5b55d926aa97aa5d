package dev.shears.onnx.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.shears.onnx.prune.LinearLayers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores large embedding tables as int8: every {@code Gather(table, ids)} whose table is a 2-D float initializer
 * of at least {@link #MIN_VALUES} values becomes {@code Gather(table_int8, ids)} → {@code Cast} to float →
 * {@code Mul} by {@code Gather(row_scales, ids)}, with one symmetric scale per row ({@code max|row| / 127}).
 *
 * <p>Why: {@link DynamicQuantization} quantizes the linear layers only, so bge-small's 30522 × 384 word table
 * (47 MB of its 133 MB) would stay float and an int8 export would weigh about 70 MB instead of about 34. Only the
 * gathered rows are dequantized (per lookup, not the whole table), every stored value is within half a step of
 * its float value, and opset 11 suffices (per-row scales are gathered, not a per-axis DequantizeLinear).
 */
public final class EmbeddingQuantization {

    /** Tables smaller than this stay float (positions, token types: a few hundred KB, not worth the error). */
    public static final int MIN_VALUES = 1 << 20;

    private EmbeddingQuantization() {}

    public static ModelProto quantize(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> tables = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == OnnxGraphBuilder.FLOAT && t.getDimsCount() == 2 && t.getDims(0) * t.getDims(1) >= MIN_VALUES) {
                tables.put(t.getName(), t);
            }
        }
        GraphProto.Builder out = graph.toBuilder().clearNode();
        Map<String, String[]> quantized = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            TensorProto table = n.getOpType().equals("Gather") && n.getDomain().isEmpty() ? tables.get(n.getInput(0)) : null;
            if (table == null || OnnxNodes.intAttribute(n, "axis", 0) != 0) {
                out.addNode(n);
                continue;
            }
            String[] names = quantized.computeIfAbsent(table.getName(), name -> store(out, table));
            String y = n.getOutput(0);
            String p = y + "_int8_embedding/";
            out.addNode(RowwiseQuantization.node("Gather", List.of(names[0], n.getInput(1)), p + "rows"));
            out.addNode(RowwiseQuantization.cast(p + "rows", p + "rows_float", TensorProto.DataType.FLOAT_VALUE));
            out.addNode(RowwiseQuantization.node("Gather", List.of(names[1], n.getInput(1)), p + "scales"));
            out.addNode(RowwiseQuantization.node("Mul", List.of(p + "rows_float", p + "scales"), y));
        }
        List<TensorProto> kept = out.getInitializerList().stream().filter(t -> !quantized.containsKey(t.getName())).toList();
        out.clearInitializer().addAllInitializer(kept);
        return model.toBuilder().setGraph(out).build();
    }

    /** Adds the int8 table [rows, dim] and its scales [rows, 1] as initializers; returns their names. */
    private static String[] store(GraphProto.Builder out, TensorProto table) {
        int rows = (int) table.getDims(0);
        int dim = (int) table.getDims(1);
        float[] v = LinearLayers.floats(table);
        byte[] q = new byte[v.length];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int d = 0; d < dim; d++) {
                max = Math.max(max, Math.abs(v[r * dim + d]));
            }
            float scale = max == 0 ? 1 : max / 127;
            scales[r] = scale;
            for (int d = 0; d < dim; d++) {
                q[r * dim + d] = (byte) Math.round(v[r * dim + d] / scale);
            }
        }
        String name = table.getName() + "_int8";
        String scaleName = table.getName() + "_row_scales";
        out.addInitializer(TensorProto.newBuilder().setName(name).setDataType(OnnxGraphBuilder.INT8).addDims(rows).addDims(dim)
                .setRawData(ByteString.copyFrom(q)).build());
        out.addInitializer(OnnxGraphBuilder.floatTensor(scaleName, scales, rows, 1));
        return new String[] {name, scaleName};
    }
}
