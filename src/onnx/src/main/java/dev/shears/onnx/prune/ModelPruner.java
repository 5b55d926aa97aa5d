package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prunes the linear layers of an ONNX model in memory.
 *
 * @param method   scoring and comparison group
 * @param sparsity share of weights to prune (ignored when {@code nmN > 0}: N:M fixes it at 1 - N/M)
 * @param minKeep  per-layer floor for {@link PruneMethod#MAGNITUDE_GLOBAL}: each layer keeps at least this share
 * @param nmN      N of N:M (0 = unstructured)
 * @param nmM      M of N:M
 */
public record ModelPruner(PruneMethod method, double sparsity, double minKeep, int nmN, int nmM) {

    /** What was pruned in one layer. */
    public record LayerStats(String weight, int in, int out, int pruned, int zeros) {
        public double sparsity() {
            return (double) zeros / ((long) in * out);
        }
    }

    /** The pruned model and per-layer statistics. */
    public record Result(ModelProto model, List<LayerStats> layers) {
        public long total() {
            return layers.stream().mapToLong(l -> (long) l.in() * l.out()).sum();
        }

        public long pruned() {
            return layers.stream().mapToLong(LayerStats::pruned).sum();
        }

        public long zeros() {
            return layers.stream().mapToLong(LayerStats::zeros).sum();
        }
    }

    public static ModelPruner unstructured(PruneMethod method, double sparsity) {
        return new ModelPruner(method, sparsity, 0.1, 0, 0);
    }

    public static ModelPruner nm(PruneMethod method, int n, int m) {
        return new ModelPruner(method, 1 - (double) n / m, 0.1, n, m);
    }

    /**
     * @param inputNorms for Wanda: per layer input name, the L2 norm of each input feature over the calibration
     *                   tokens (see {@link ActivationNorms}); unused otherwise
     */
    public Result prune(ModelProto model, Map<String, float[]> inputNorms) {
        GraphProto graph = model.getGraph();
        List<LinearLayer> layers = LinearLayers.find(graph);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            index.put(graph.getInitializer(i).getName(), i);
        }
        List<float[]> rows = new ArrayList<>();
        List<float[]> scores = new ArrayList<>();
        for (LinearLayer l : layers) {
            float[] r = l.toRows(LinearLayers.floats(graph.getInitializer(index.get(l.weight()))));
            rows.add(r);
            if (method == PruneMethod.WANDA) {
                float[] norms = inputNorms == null ? null : inputNorms.get(l.input());
                if (norms == null) {
                    throw new IllegalArgumentException("no activation norms for layer input '" + l.input() + "'");
                }
                scores.add(Pruning.wanda(r, l.in(), norms));
            } else {
                scores.add(Pruning.magnitude(r));
            }
        }
        boolean[][] masks = new boolean[layers.size()][];
        if (nmN > 0) {
            for (int i = 0; i < layers.size(); i++) {
                masks[i] = Pruning.nm(scores.get(i), layers.get(i).in(), nmN, nmM);
            }
        } else if (method == PruneMethod.MAGNITUDE_GLOBAL) {
            masks = Pruning.lowestGlobal(scores, sparsity, minKeep);
        } else {
            for (int i = 0; i < layers.size(); i++) {
                masks[i] = method == PruneMethod.WANDA
                        ? Pruning.lowestPerRow(scores.get(i), layers.get(i).in(), sparsity)
                        : Pruning.lowest(scores.get(i), sparsity);
            }
        }
        GraphProto.Builder out = graph.toBuilder();
        List<LayerStats> stats = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LinearLayer l = layers.get(i);
            float[] r = rows.get(i);
            int pruned = Pruning.apply(r, masks[i]);
            int at = index.get(l.weight());
            TensorProto t = out.getInitializer(at);
            out.setInitializer(at, LinearLayers.withFloats(t, l.fromRows(r)));
            stats.add(new LayerStats(l.weight(), l.in(), l.out(), pruned, Pruning.zeros(r)));
        }
        return new Result(model.toBuilder().setGraph(out).build(), stats);
    }
}
