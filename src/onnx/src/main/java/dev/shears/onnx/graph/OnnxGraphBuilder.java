package dev.shears.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small facade over the ONNX protobuf classes for building a graph from scratch or appending nodes to an
 * existing model: initializers from Java arrays (little-endian raw data), nodes with attributes, graph
 * inputs/outputs with fixed or symbolic dims. Not thread-safe.
 *
 * <pre>{@code
 * var b = new OnnxGraphBuilder("g");
 * b.input("x", OnnxGraphBuilder.FLOAT, "batch", 4);
 * String w = b.floatInitializer("w", new float[8], 4, 2);
 * String y = b.node("MatMul").inputs("x", w).output("y");
 * b.output(y, OnnxGraphBuilder.FLOAT, "batch", 2);
 * b.write(path);
 * }</pre>
 */
public final class OnnxGraphBuilder {

    /** ONNX element types (TensorProto.DataType numbers). */
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11;

    /** Default opset of the ai.onnx domain for new graphs (supported by ONNX Runtime 1.29). */
    public static final int DEFAULT_OPSET = 17;
    private static final long IR_VERSION = 8;

    private final ModelProto.Builder model;
    private final GraphProto.Builder graph;
    private final Set<String> names = new HashSet<>();
    private int counter;

    /** A new empty graph at {@link #DEFAULT_OPSET}. */
    public OnnxGraphBuilder(String graphName) {
        this(graphName, DEFAULT_OPSET);
    }

    /** A new empty graph at the given ai.onnx opset. */
    public OnnxGraphBuilder(String graphName, int opset) {
        this.model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("shears")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        this.graph = GraphProto.newBuilder().setName(graphName);
    }

    private OnnxGraphBuilder(ModelProto existing) {
        this.model = existing.toBuilder().clearGraph();
        this.graph = existing.getGraph().toBuilder();
        for (NodeProto n : graph.getNodeList()) {
            names.addAll(n.getOutputList());
            names.add(n.getName());
        }
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
    }

    /** Start editing an existing model: nodes, inputs and outputs can be appended; opset and metadata are kept. */
    public static OnnxGraphBuilder edit(ModelProto existing) {
        return new OnnxGraphBuilder(existing);
    }

    /** The model's ai.onnx opset version (1 when none is declared, as the spec says). */
    public int opset() {
        return opsetOf(model);
    }

    /** The ai.onnx opset version a model imports. */
    public static int opsetOf(ai.onnx.proto.OnnxMl.ModelProtoOrBuilder m) {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return 1;
    }

    /** A value name not used yet in this graph, starting with {@code prefix}. */
    public String fresh(String prefix) {
        String n;
        do {
            n = prefix + "_" + (counter++);
        } while (names.contains(n));
        names.add(n);
        return n;
    }

    private String claim(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("name already used in graph: " + name);
        }
        return name;
    }

    // ---- tensors and initializers ----

    /** A FLOAT tensor with raw little-endian data. */
    public static TensorProto floatTensor(String name, float[] data, long... shape) {
        checkSize(name, data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return TensorProto.newBuilder().setName(name).setDataType(FLOAT).addAllDims(boxed(shape))
                .setRawData(ByteString.copyFrom(buf.array())).build();
    }

    /** An INT64 tensor with raw little-endian data. */
    public static TensorProto longTensor(String name, long[] data, long... shape) {
        checkSize(name, data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        return TensorProto.newBuilder().setName(name).setDataType(INT64).addAllDims(boxed(shape))
                .setRawData(ByteString.copyFrom(buf.array())).build();
    }

    private static void checkSize(String name, int length, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, data has " + length);
        }
    }

    /** Adds a FLOAT initializer; returns its name. */
    public String floatInitializer(String name, float[] data, long... shape) {
        return initializer(floatTensor(name, data, shape));
    }

    /** Adds an INT64 initializer; returns its name. */
    public String longInitializer(String name, long[] data, long... shape) {
        return initializer(longTensor(name, data, shape));
    }

    /** Adds a FLOAT initializer under a fresh name built from {@code prefix}. */
    public String floatConst(String prefix, float[] data, long... shape) {
        return initializer(floatTensor(fresh(prefix), data, shape));
    }

    /** Adds an INT64 initializer (1-D when no shape is given) under a fresh name built from {@code prefix}. */
    public String longConst(String prefix, long... data) {
        return initializer(longTensor(fresh(prefix), data, data.length));
    }

    /** Adds an INT64 scalar (rank 0) initializer under a fresh name. */
    public String longScalar(String prefix, long value) {
        return initializer(longTensor(fresh(prefix), new long[]{value}));
    }

    /** Adds a FLOAT scalar (rank 0) initializer under a fresh name. */
    public String floatScalar(String prefix, float value) {
        return initializer(floatTensor(fresh(prefix), new float[]{value}));
    }

    /** Adds a prepared tensor as an initializer; returns its name. */
    public String initializer(TensorProto t) {
        if (!names.contains(t.getName())) {
            claim(t.getName());
        } else if (graph.getInitializerList().stream().anyMatch(i -> i.getName().equals(t.getName()))) {
            throw new IllegalArgumentException("initializer already defined: " + t.getName());
        }
        graph.addInitializer(t);
        return t.getName();
    }

    // ---- graph inputs and outputs ----

    /**
     * Declares a graph input. Each dim is a {@link Number} (fixed size), a {@link String} (symbolic name) or
     * null (unknown).
     */
    public OnnxGraphBuilder input(String name, int elemType, Object... dims) {
        claim(name);
        graph.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    /** Declares a graph output (the value must be produced by a node, an input or an initializer). */
    public OnnxGraphBuilder output(String name, int elemType, Object... dims) {
        graph.addOutput(valueInfo(name, elemType, dims));
        return this;
    }

    /** Removes every declared graph output, e.g. when an edited model's outputs are replaced by new ones. */
    public OnnxGraphBuilder clearOutputs() {
        graph.clearOutput();
        return this;
    }

    /** True when the graph declares an input with this name. */
    public boolean hasInput(String name) {
        return graph.getInputList().stream().anyMatch(v -> v.getName().equals(name));
    }

    /** True when the graph declares an output with this name. */
    public boolean hasOutput(String name) {
        return graph.getOutputList().stream().anyMatch(v -> v.getName().equals(name));
    }

    /** The declared element type of a graph input or output, or -1 when unknown. */
    public int elemTypeOf(String name) {
        List<ValueInfoProto> all = new ArrayList<>(graph.getInputList());
        all.addAll(graph.getOutputList());
        all.addAll(graph.getValueInfoList());
        for (ValueInfoProto v : all) {
            if (v.getName().equals(name) && v.getType().hasTensorType()) {
                return v.getType().getTensorType().getElemType();
            }
        }
        return -1;
    }

    /** A tensor value-info with fixed, symbolic (String) or unknown (null) dims. */
    public static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number num) {
                dim.setDimValue(num.longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            } else if (d != null) {
                throw new IllegalArgumentException("dim must be a Number, a String or null: " + d);
            }
            shape.addDim(dim);
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    // ---- nodes ----

    /** Starts a node of the given op type (ai.onnx domain unless {@link NodeBuilder#domain} is set). */
    public NodeBuilder node(String opType) {
        return new NodeBuilder(opType);
    }

    /** Shorthand: a node without attributes and a single fresh output. */
    public String op(String opType, String... inputs) {
        return node(opType).inputs(inputs).output();
    }

    /** Builds one node; finish with {@link #output()}, {@link #output(String)} or {@link #outputs(String...)}. */
    public final class NodeBuilder {
        private final NodeProto.Builder node;

        private NodeBuilder(String opType) {
            node = NodeProto.newBuilder().setOpType(opType);
        }

        public NodeBuilder inputs(String... inputs) {
            node.addAllInput(Arrays.asList(inputs));
            return this;
        }

        public NodeBuilder name(String name) {
            node.setName(name);
            return this;
        }

        public NodeBuilder domain(String domain) {
            node.setDomain(domain);
            return this;
        }

        /**
         * Adds an attribute: Integer/Long → INT, Float/Double → FLOAT, String → STRING, long[] → INTS,
         * float[] → FLOATS, TensorProto → TENSOR, GraphProto → GRAPH.
         */
        public NodeBuilder attr(String name, Object value) {
            node.addAttribute(attribute(name, value));
            return this;
        }

        /** Adds the node with one fresh output name derived from the op type; returns that name. */
        public String output() {
            return outputs(fresh(node.getOpType().toLowerCase()))[0];
        }

        /** Adds the node with one named output; returns that name. */
        public String output(String name) {
            return outputs(name)[0];
        }

        /** Adds the node with the given outputs; returns them. */
        public String[] outputs(String... outputs) {
            for (String o : outputs) {
                if (!o.isEmpty()) {
                    names.add(o);
                }
            }
            node.addAllOutput(Arrays.asList(outputs));
            if (node.getName().isEmpty()) {
                node.setName(fresh("n_" + node.getOpType()));
            }
            graph.addNode(node.build());
            return outputs;
        }
    }

    /** An attribute from a Java value (see {@link NodeBuilder#attr}). */
    public static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFrom(s, StandardCharsets.UTF_8));
        } else if (value instanceof long[] ls) {
            a.setType(AttributeProto.AttributeType.INTS).addAllInts(boxed(ls));
        } else if (value instanceof float[] fs) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float f : fs) {
                a.addFloats(f);
            }
        } else if (value instanceof TensorProto t) {
            a.setType(AttributeProto.AttributeType.TENSOR).setT(t);
        } else if (value instanceof GraphProto g) {
            a.setType(AttributeProto.AttributeType.GRAPH).setG(g);
        } else {
            throw new IllegalArgumentException("unsupported attribute value for " + name + ": " + value);
        }
        return a.build();
    }

    private static List<Long> boxed(long[] values) {
        List<Long> l = new ArrayList<>(values.length);
        for (long v : values) {
            l.add(v);
        }
        return l;
    }

    // ---- output ----

    /** The graph as built so far. */
    public GraphProto graph() {
        return graph.build();
    }

    /** The model (graph plus opset imports and metadata). */
    public ModelProto build() {
        return model.clone().setGraph(graph.build()).build();
    }

    /** The serialized model. */
    public byte[] toBytes() {
        return build().toByteArray();
    }

    /** Writes the serialized model to {@code path}. */
    public void write(Path path) throws IOException {
        Files.write(path, toBytes());
    }
}
