package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import dev.shears.onnx.graph.OnnxNodes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Finds a graph's linear layers and reads/writes their float weights. */
public final class LinearLayers {

    private LinearLayers() {}

    /**
     * MatMul nodes whose input 1 is a 2-D float initializer ([in, out]) and Gemm nodes (transA = 0) whose input 1
     * is one ([in, out], or [out, in] with transB = 1). An initializer shared by several nodes is listed once,
     * and skipped when the nodes disagree on its layout.
     */
    public static List<LinearLayer> find(GraphProto graph) {
        Map<String, TensorProto> init = new HashMap<>();
        graph.getInitializerList().forEach(t -> init.put(t.getName(), t));
        Map<String, LinearLayer> byWeight = new LinkedHashMap<>();
        List<String> conflicting = new ArrayList<>();
        for (NodeProto n : graph.getNodeList()) {
            boolean gemm = n.getOpType().equals("Gemm");
            if (!(gemm || n.getOpType().equals("MatMul")) || !n.getDomain().isEmpty() || n.getInputCount() < 2) {
                continue;
            }
            TensorProto w = init.get(n.getInput(1));
            if (w == null || w.getDimsCount() != 2 || w.getDataType() != OnnxGraphBuilder.FLOAT
                    || (gemm && OnnxNodes.intAttribute(n, "transA", 0) != 0)) {
                continue;
            }
            boolean outMajor = gemm && OnnxNodes.intAttribute(n, "transB", 0) != 0;
            int d0 = (int) w.getDims(0);
            int d1 = (int) w.getDims(1);
            LinearLayer layer = new LinearLayer(n.getName().isEmpty() ? n.getOutput(0) : n.getName(), n.getInput(0),
                    w.getName(), outMajor ? d1 : d0, outMajor ? d0 : d1, outMajor);
            LinearLayer seen = byWeight.putIfAbsent(w.getName(), layer);
            if (seen != null && seen.outMajor() != outMajor) {
                conflicting.add(w.getName());
            }
        }
        conflicting.forEach(byWeight::remove);
        return List.copyOf(byWeight.values());
    }

    /** The float values of a tensor stored as raw little-endian bytes or in float_data. */
    public static float[] floats(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            float[] v = new float[t.getRawData().size() / 4];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("initializer '" + t.getName() + "' has external data; not supported");
        }
        float[] v = new float[t.getFloatDataCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFloatData(i);
        }
        return v;
    }

    /** Replaces an initializer's values (same name, dims and type; stored raw). */
    public static TensorProto withFloats(TensorProto t, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return t.toBuilder().clearFloatData().setRawData(com.google.protobuf.ByteString.copyFrom(buf.array())).build();
    }
}
