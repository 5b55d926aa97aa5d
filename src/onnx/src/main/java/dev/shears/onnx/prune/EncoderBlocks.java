package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import dev.shears.onnx.graph.OnnxNodes;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the transformer blocks of a BERT-style encoder exported from Hugging Face (torch.onnx / Optimum, as
 * Xenova's exports are): unfused attention, linear layers as {@code MatMul} + bias {@code Add}, node names
 * {@code /encoder/layer.N/attention/self/query/MatMul} and so on. The roles come from those names; everything
 * else (biases, the per-head reshapes and their constants, the block's input and output) is found by following
 * the graph's edges, and anything unexpected is an error rather than a guess.
 *
 * <p>In these exports the number of heads is not computed from the weights: each of Q, K and V is reshaped to
 * {@code [batch, seq, heads, head_size]} by a {@code Concat} of the two dynamic dims and two {@code Constant}
 * nodes ({@code heads}, {@code head_size}), and the context back to {@code [batch, seq, heads x head_size]} by one
 * more constant; these are what a head removal must rewrite. The attention scale 1/sqrt(head_size) does not
 * change.
 */
public final class EncoderBlocks {

    private static final Pattern ROLE = Pattern.compile(
            "^(.*?layer\\.(\\d+)/)(attention/self/query|attention/self/key|attention/self/value"
                    + "|attention/output/dense|intermediate/dense|output/dense)/MatMul$");

    private EncoderBlocks() {}

    /** The blocks in order of their index; empty when the graph has none in this layout. */
    public static List<EncoderBlock> find(GraphProto graph) {
        Edges edges = new Edges(graph);
        Map<Integer, Map<String, LinearLayer>> roles = new TreeMap<>();
        Map<Integer, String> prefixes = new HashMap<>();
        for (LinearLayer l : LinearLayers.find(graph)) {
            Matcher m = ROLE.matcher(l.node());
            if (m.matches()) {
                int index = Integer.parseInt(m.group(2));
                roles.computeIfAbsent(index, k -> new HashMap<>()).put(m.group(3), l);
                prefixes.put(index, m.group(1));
            }
        }
        List<EncoderBlock> blocks = new ArrayList<>();
        roles.forEach((index, r) -> blocks.add(block(edges, index, prefixes.get(index), r)));
        return blocks;
    }

    /**
     * The residual {@code Add} after a projection's bias: {sum, residual}, the tensor it makes and its other input
     * (the hidden state the projection's output is added to).
     */
    public static String[] residualSum(GraphProto graph, EncoderBlock.Projection p) {
        Edges edges = new Edges(graph);
        String projected = edges.biasAdd(p).getOutput(0);
        NodeProto add = edges.onlyConsumer(projected, "Add");
        String residual = add.getInput(0).equals(projected) ? add.getInput(1) : add.getInput(0);
        return new String[] {add.getOutput(0), residual};
    }

    private static EncoderBlock block(Edges edges, int index, String prefix, Map<String, LinearLayer> r) {
        if (r.size() != 6) {
            throw new IllegalArgumentException("block " + index + ": found linear layers " + r.keySet() + ", need 6");
        }
        EncoderBlock.Projection q = edges.projection(r.get("attention/self/query"));
        EncoderBlock.Projection k = edges.projection(r.get("attention/self/key"));
        EncoderBlock.Projection v = edges.projection(r.get("attention/self/value"));
        EncoderBlock.Projection o = edges.projection(r.get("attention/output/dense"));
        List<EncoderBlock.ShapeConstant> headCounts = new ArrayList<>();
        long headSize = -1;
        for (EncoderBlock.Projection p : List.of(q, k, v)) {
            NodeProto reshape = edges.onlyConsumer(edges.biasAdd(p).getOutput(0), "Reshape", "Shape");
            NodeProto concat = edges.producerOf(reshape.getInput(1), "Concat");
            if (concat.getInputCount() != 4) {
                throw new IllegalArgumentException(p.layer().node() + ": per-head shape has " + concat.getInputCount()
                        + " parts, expected [batch, seq, heads, head_size]");
            }
            headCounts.add(edges.shapeConstant(concat.getInput(2)));
            long size = edges.shapeConstant(concat.getInput(3)).value();
            if (headSize >= 0 && size != headSize) {
                throw new IllegalArgumentException("block " + index + ": head sizes differ between Q, K and V");
            }
            headSize = size;
        }
        long heads = headCounts.get(0).value();
        if (headCounts.stream().anyMatch(c -> c.value() != heads) || heads * headSize != q.layer().out()
                || k.layer().out() != q.layer().out() || v.layer().out() != q.layer().out()
                || o.layer().in() != q.layer().out()) {
            throw new IllegalArgumentException("block " + index + ": heads " + headCounts + " x " + headSize
                    + " do not match the projections' widths");
        }
        NodeProto contextReshape = edges.producerOf(o.layer().input(), "Reshape");
        NodeProto contextShape = edges.producerOf(contextReshape.getInput(1), "Concat");
        EncoderBlock.ShapeConstant width = edges.shapeConstant(contextShape.getInput(contextShape.getInputCount() - 1));
        if (width.value() != q.layer().out()) {
            throw new IllegalArgumentException("block " + index + ": context width " + width.value() + ", expected "
                    + q.layer().out());
        }
        return new EncoderBlock(index, prefix, q.layer().input(), edges.blockOutput(prefix), q, k, v, o,
                edges.projection(r.get("intermediate/dense")), edges.projection(r.get("output/dense")), headCounts,
                width, (int) heads, (int) headSize);
    }

    /** Producers, consumers and initializers of a graph. */
    static final class Edges {
        final GraphProto graph;
        final Map<String, NodeProto> producer = new HashMap<>();
        final Map<String, List<NodeProto>> consumers = new HashMap<>();
        final Map<String, TensorProto> initializers = new HashMap<>();
        final Set<String> graphOutputs = new HashSet<>();

        Edges(GraphProto graph) {
            this.graph = graph;
            for (NodeProto n : graph.getNodeList()) {
                n.getOutputList().forEach(o -> producer.put(o, n));
                n.getInputList().forEach(i -> consumers.computeIfAbsent(i, x -> new ArrayList<>()).add(n));
            }
            graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
            graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(graphOutputs::add);
        }

        NodeProto matMul(LinearLayer l) {
            return graph.getNodeList().stream().filter(n -> n.getName().equals(l.node())).findFirst().orElseThrow();
        }

        /** The Add after a linear layer whose other input is a 1-D float initializer of its output width. */
        NodeProto biasAdd(EncoderBlock.Projection p) {
            return onlyConsumer(matMul(p.layer()).getOutput(0), "Add");
        }

        EncoderBlock.Projection projection(LinearLayer l) {
            NodeProto add = onlyConsumer(matMul(l).getOutput(0), "Add");
            for (String in : add.getInputList()) {
                TensorProto t = initializers.get(in);
                if (t != null && t.getDimsCount() == 1 && t.getDims(0) == l.out()
                        && t.getDataType() == OnnxGraphBuilder.FLOAT) {
                    return new EncoderBlock.Projection(l, in);
                }
            }
            throw new IllegalArgumentException(l.node() + ": no bias Add of width " + l.out() + " after it");
        }

        /** The one {@code opType} node reading {@code tensor}; nodes of the {@code alsoAllowed} types may read it too. */
        NodeProto onlyConsumer(String tensor, String opType, String... alsoAllowed) {
            List<String> allowed = List.of(alsoAllowed);
            List<NodeProto> c = consumers.getOrDefault(tensor, List.of()).stream()
                    .filter(n -> !allowed.contains(n.getOpType())).toList();
            if (c.size() != 1 || !c.get(0).getOpType().equals(opType)) {
                throw new IllegalArgumentException(tensor + ": expected one " + opType + " consumer, found "
                        + c.stream().map(NodeProto::getOpType).toList());
            }
            return c.get(0);
        }

        NodeProto producerOf(String tensor, String opType) {
            NodeProto n = producer.get(tensor);
            if (n == null || !n.getOpType().equals(opType)) {
                throw new IllegalArgumentException(tensor + ": expected to come from " + opType + ", comes from "
                        + (n == null ? "no node" : n.getOpType()));
            }
            return n;
        }

        EncoderBlock.ShapeConstant shapeConstant(String tensor) {
            TensorProto init = initializers.get(tensor);
            NodeProto node = init == null ? producer.get(tensor) : null;
            TensorProto t = init;
            if (node != null && node.getOpType().equals("Constant")) {
                t = OnnxNodes.attribute(node, "value").map(AttributeProto::getT).orElse(null);
            }
            if (t == null || t.getDataType() != OnnxGraphBuilder.INT64 || elements(t) != 1) {
                throw new IllegalArgumentException(tensor + ": not a one-element int64 constant");
            }
            return new EncoderBlock.ShapeConstant(tensor, node == null ? null : node.getName(), longValue(t));
        }

        /** The single tensor made by the block's nodes and used after it (or the graph output it makes). */
        String blockOutput(String prefix) {
            Set<String> leaving = new HashSet<>();
            for (NodeProto n : graph.getNodeList()) {
                if (!n.getName().startsWith(prefix)) {
                    continue;
                }
                for (String out : n.getOutputList()) {
                    boolean usedOutside = graphOutputs.contains(out) || consumers.getOrDefault(out, List.of()).stream()
                            .anyMatch(c -> !c.getName().startsWith(prefix));
                    if (usedOutside) {
                        leaving.add(out);
                    }
                }
            }
            if (leaving.size() != 1) {
                throw new IllegalArgumentException(prefix + ": expected one tensor leaving the block, found " + leaving);
            }
            return leaving.iterator().next();
        }

        private static long elements(TensorProto t) {
            long n = 1;
            for (long d : t.getDimsList()) {
                n *= d;
            }
            return n;
        }

        private static long longValue(TensorProto t) {
            if (!t.getRawData().isEmpty()) {
                return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            return t.getInt64Data(0);
        }
    }
}
