package dev.shears.tools.train;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.shears.onnx.prune.LinearLayer;
import dev.shears.onnx.prune.LinearLayers;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The float weights of a BERT encoder exported to ONNX by Hugging Face/PyTorch, under their Hugging Face names
 * ({@code encoder.layer.3.attention.self.query.weight}, ...). Biases, LayerNorm and embedding tables are named
 * initializers already; the linear layers' matrices are anonymous ({@code onnx::MatMul_1525}) and are named
 * here after the MatMul node that reads them ({@code /encoder/layer.3/attention/self/query/MatMul}). Linear
 * weights are kept in the graph's [in, out] layout, so {@code x · W} is the layer.
 */
public final class BertWeights {

    /** Weights and their shapes by Hugging Face name. */
    private final Map<String, float[]> values;
    private final Map<String, long[]> shapes;
    /** Hugging Face name to the graph's initializer name. */
    private final Map<String, String> initializerNames;
    /** Number of encoder layers present. */
    public final int layers;
    /**
     * Their indices in the exported names, ascending: 0 to layers - 1, or with gaps where structured pruning removed
     * whole blocks (the graph keeps the names of the blocks that remain).
     */
    public final int[] layerIndices;
    public final int hidden;

    private BertWeights(Map<String, float[]> values, Map<String, long[]> shapes, Map<String, String> initializerNames) {
        this.values = values;
        this.shapes = shapes;
        this.initializerNames = initializerNames;
        java.util.regex.Pattern query = java.util.regex.Pattern.compile("encoder\\.layer\\.(\\d+)\\.attention\\.self\\.query\\.weight");
        this.layerIndices = values.keySet().stream().map(query::matcher).filter(java.util.regex.Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1))).sorted().toArray();
        this.layers = layerIndices.length;
        this.hidden = (int) shape("embeddings.word_embeddings.weight")[1];
    }

    /** The name prefix of encoder layer {@code i}. */
    public static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    public static BertWeights fromOnnx(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, String> byName = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == dev.shears.onnx.graph.OnnxGraphBuilder.FLOAT) {
                byName.put(t.getName(), t.getName());
            }
        }
        for (LinearLayer l : LinearLayers.find(graph)) {
            if (l.outMajor()) {
                throw new IllegalArgumentException("expected MatMul linear layers ([in, out]); " + l.node() + " is a Gemm");
            }
            byName.remove(l.weight());
            byName.put(hfLinearName(l.node()), l.weight());
        }
        Map<String, TensorProto> init = new HashMap<>();
        graph.getInitializerList().forEach(t -> init.put(t.getName(), t));
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        byName.forEach((hf, onnx) -> {
            TensorProto t = init.get(onnx);
            values.put(hf, LinearLayers.floats(t));
            shapes.put(hf, t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        });
        if (!values.containsKey("embeddings.word_embeddings.weight")
                || values.keySet().stream().noneMatch(n -> n.endsWith("attention.self.query.weight"))) {
            throw new IllegalArgumentException("not a BERT encoder exported from Hugging Face: missing embeddings or layers");
        }
        return new BertWeights(values, shapes, byName);
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul} to {@code encoder.layer.0.attention.self.query.weight}. */
    static String hfLinearName(String matMulNode) {
        String n = matMulNode.startsWith("/") ? matMulNode.substring(1) : matMulNode;
        n = n.endsWith("/MatMul") ? n.substring(0, n.length() - "/MatMul".length()) : n;
        return n.replace('/', '.') + ".weight";
    }

    public float[] get(String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no weight " + name);
        }
        return v;
    }

    public long[] shape(String name) {
        get(name);
        return shapes.get(name);
    }

    public Map<String, float[]> all() {
        return values;
    }

    /**
     * {@code model} with the named weights replaced by {@code updated} (Hugging Face names, same sizes); every
     * other initializer and node is unchanged, so the graph keeps its architecture and signature.
     */
    public ModelProto writeInto(ModelProto model, Map<String, float[]> updated) {
        Map<String, float[]> byInitializer = new HashMap<>();
        updated.forEach((hf, v) -> {
            if (v.length != get(hf).length) {
                throw new IllegalArgumentException(hf + ": " + v.length + " values, the graph has " + get(hf).length);
            }
            byInitializer.put(initializerNames.get(hf), v);
        });
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            float[] v = byInitializer.get(g.getInitializer(i).getName());
            if (v != null) {
                g.setInitializer(i, LinearLayers.withFloats(g.getInitializer(i), v));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }
}
