package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph edits that remove structure: slicing linear layers, rewriting shape constants, removing blocks. */
public final class StructuredEdits {

    private StructuredEdits() {}

    /**
     * The model without {@code block}: its nodes are removed and whatever read its output reads its input instead
     * (the residual stream passes through); when its output is a graph output, an {@code Identity} keeps the name.
     */
    public static ModelProto dropBlock(ModelProto model, EncoderBlock block) {
        GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getName().startsWith(block.prefix())) {
                continue;
            }
            NodeProto.Builder rewired = n.toBuilder();
            for (int i = 0; i < rewired.getInputCount(); i++) {
                if (rewired.getInput(i).equals(block.output())) {
                    rewired.setInput(i, block.input());
                }
            }
            g.addNode(rewired);
        }
        if (g.getOutputList().stream().anyMatch(o -> o.getName().equals(block.output()))) {
            g.addNode(NodeProto.newBuilder().setOpType("Identity").setName("removed block " + block.index())
                    .addInput(block.input()).addOutput(block.output()));
        }
        return withoutUnusedParts(model.toBuilder().setGraph(g).build());
    }

    /**
     * Removes nodes and initializers no graph output depends on, and all {@code value_info} (shapes that edits
     * may have made stale; ONNX Runtime infers them again). Nodes stay in their (topological) order.
     */
    public static ModelProto withoutUnusedParts(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, NodeProto> producer = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
        Set<String> needed = new HashSet<>();
        Set<NodeProto> live = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(todo::add);
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!needed.add(t)) {
                continue;
            }
            NodeProto n = producer.get(t);
            if (n != null && live.add(n)) {
                n.getInputList().stream().filter(i -> !i.isEmpty()).forEach(todo::add);
            }
        }
        GraphProto.Builder g = graph.toBuilder().clearNode().clearInitializer().clearValueInfo();
        graph.getNodeList().stream().filter(live::contains).forEach(g::addNode);
        graph.getInitializerList().stream().filter(t -> needed.contains(t.getName())).forEach(g::addInitializer);
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * {@code model} with a renamed copy of {@code reference} beside it: every node, node output and initializer of
     * the reference gets {@code prefix} in front of its name, graph inputs stay shared, graph outputs stay the
     * model's. One run then gives both models' tensors on the same tokens.
     */
    public static ModelProto withReference(ModelProto model, ModelProto reference, String prefix) {
        GraphProto ref = reference.getGraph();
        Set<String> shared = new HashSet<>();
        ref.getInputList().forEach(v -> shared.add(v.getName()));
        java.util.function.UnaryOperator<String> rename = n -> n.isEmpty() || shared.contains(n) ? n : prefix + n;
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (NodeProto n : ref.getNodeList()) {
            NodeProto.Builder copy = n.toBuilder().setName(prefix + n.getName()).clearInput().clearOutput();
            n.getInputList().forEach(i -> copy.addInput(rename.apply(i)));
            n.getOutputList().forEach(o -> copy.addOutput(rename.apply(o)));
            g.addNode(copy);
        }
        ref.getInitializerList().forEach(t -> g.addInitializer(t.toBuilder().setName(prefix + t.getName())));
        return model.toBuilder().setGraph(g).build();
    }

    /** Accumulates edits of initializers and {@code Constant} nodes, then builds the edited model. */
    public static final class Editor {
        private final ModelProto model;
        private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
        private final Map<String, TensorProto> constants = new HashMap<>(); // Constant node name -> new value

        public Editor(ModelProto model) {
            this.model = model;
            model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        }

        public float[] floats(String initializer) {
            return LinearLayers.floats(tensor(initializer));
        }

        /** A MatMul layer's weights as stored ([in, out]). */
        public float[] inputMajorWeights(LinearLayer layer) {
            if (layer.outMajor()) {
                throw new IllegalArgumentException(layer.node() + ": [out, in] (Gemm transB) weights are not supported"
                        + " by structured edits");
            }
            return floats(layer.weight());
        }

        /** Keeps only the listed outputs (weight columns, bias entries) of a projection, in that order. */
        public void keepOutputs(EncoderBlock.Projection p, int[] kept) {
            LinearLayer l = p.layer();
            float[] w = inputMajorWeights(l);
            float[] sliced = new float[l.in() * kept.length];
            for (int i = 0; i < l.in(); i++) {
                for (int a = 0; a < kept.length; a++) {
                    sliced[i * kept.length + a] = w[i * l.out() + kept[a]];
                }
            }
            float[] bias = floats(p.bias());
            float[] keptBias = new float[kept.length];
            for (int a = 0; a < kept.length; a++) {
                keptBias[a] = bias[kept[a]];
            }
            replace(l.weight(), sliced, l.in(), kept.length);
            replace(p.bias(), keptBias, kept.length);
        }

        /** Replaces a projection's weights by {@code inputs} input rows (input-major) and its bias. */
        public void setInputs(EncoderBlock.Projection p, int inputs, float[] weights, float[] bias) {
            replace(p.layer().weight(), weights, inputs, p.layer().out());
            replace(p.bias(), bias, p.layer().out());
        }

        public void setShapeConstant(EncoderBlock.ShapeConstant c, long value) {
            TensorProto t = OnnxGraphBuilder.longTensor(c.tensor(), new long[] {value}, 1);
            if (c.node() == null) {
                initializers.put(c.tensor(), t.toBuilder().setName(c.tensor()).build());
            } else {
                constants.put(c.node(), t.toBuilder().clearName().build());
            }
        }

        public ModelProto build() {
            GraphProto.Builder g = model.getGraph().toBuilder().clearInitializer().addAllInitializer(initializers.values());
            for (int i = 0; i < g.getNodeCount(); i++) {
                TensorProto value = constants.get(g.getNode(i).getName());
                if (value != null) {
                    g.setNode(i, g.getNode(i).toBuilder().clearAttribute().addAttribute(AttributeProto.newBuilder()
                            .setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(value)));
                }
            }
            return model.toBuilder().setGraph(g).build();
        }

        private TensorProto tensor(String name) {
            TensorProto t = initializers.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no initializer " + name);
            }
            return t;
        }

        private void replace(String name, float[] values, long... dims) {
            TensorProto old = tensor(name);
            initializers.put(name, LinearLayers.withFloats(old, values).toBuilder().clearDims()
                    .addAllDims(List.of(java.util.Arrays.stream(dims).boxed().toArray(Long[]::new))).build());
        }
    }
}
