package dev.shears.onnx;

import dev.shears.onnx.graph.SkipLayerNormFusion;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Opens a model over its graph with the residual layer norms fused ({@link SkipLayerNormFusion}: ONNX Runtime's
 * own CPU layer norm kernel is about ten times slower), once the fused graph has shown on a probe input that it
 * computes what the graph computes; otherwise over the graph as it is, with a warning. Not on CUDA.
 */
public final class FusedLayerNorms {

    private static final Logger LOG = Logger.getLogger(FusedLayerNorms.class.getName());
    /** Largest difference a fused graph may show from its source on the probe, relative to the output's scale. */
    static final double PROBE_TOLERANCE = 0.1;

    /** The opened model, and how many layer norms it runs fused (0: the graph as it is). */
    public record Opened<T>(T model, int fused) {}

    private FusedLayerNorms() {}

    /**
     * @param open opens a model over graph bytes; a failure of the unfused graph propagates
     * @param probe every float output of a small fixed input (batch of two), flattened, by output name
     */
    public static <T extends AutoCloseable> Opened<T> open(byte[] graph, RuntimeOptions options, String id,
            Function<byte[], T> open, Function<T, Map<String, float[]>> probe) {
        T plain = open.apply(graph);
        SkipLayerNormFusion.Result fused = options.cuda() ? null : SkipLayerNormFusion.fuse(graph);
        if (fused == null || fused.fused() == 0) {
            return new Opened<>(plain, 0);
        }
        T candidate = null;
        String problem;
        try {
            candidate = open.apply(fused.model());
            problem = probeMismatch(probe.apply(plain), probe.apply(candidate), PROBE_TOLERANCE);
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            closeQuietly(plain);
            LOG.info("model '" + id + "': " + fused.fused() + " residual layer norms run as SkipLayerNormalization");
            return new Opened<>(candidate, fused.fused());
        }
        closeQuietly(candidate);
        LOG.warning("model '" + id + "': its graph with fused layer norms does not compute the same (" + problem
                + "); serving it unfused");
        return new Opened<>(plain, 0);
    }

    /**
     * Why a fused graph's probe does not match its source's, or null when every output has the same size and no
     * value differs by more than {@code tolerance} times the output's largest magnitude (at least 1). A check that
     * the rewrite fits the graph (shapes, broadcasting), not of its arithmetic, which tests pin: a graph that
     * quantizes activations per pass rounds a value a step apart now and then, which can move a small logit by a
     * few hundredths.
     */
    static String probeMismatch(Map<String, float[]> source, Map<String, float[]> rewritten, double tolerance) {
        if (!source.keySet().equals(rewritten.keySet())) {
            return "outputs " + rewritten.keySet() + " instead of " + source.keySet();
        }
        for (Map.Entry<String, float[]> e : source.entrySet()) {
            float[] a = e.getValue();
            float[] b = rewritten.get(e.getKey());
            if (a.length != b.length) {
                return "output '" + e.getKey() + "' has " + b.length + " values instead of " + a.length;
            }
            double scale = 1;
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
            }
            if (!(worst <= tolerance * scale)) {
                return String.format(Locale.ROOT, "output '%s' differs by up to %.4g (largest magnitude %.4g)", e.getKey(), worst, scale);
            }
        }
        return null;
    }

    /** Every float output of a result, flattened, by name (what a probe returns). */
    public static Map<String, float[]> floatOutputs(OrtSession.Result result) {
        Map<String, float[]> outputs = new TreeMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
            if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                FloatBuffer values = t.getFloatBuffer();
                float[] v = new float[values.remaining()];
                values.get(v);
                outputs.put(e.getKey(), v);
            }
        }
        return outputs;
    }

    private static void closeQuietly(AutoCloseable model) {
        if (model == null) {
            return;
        }
        try {
            model.close();
        } catch (Exception e) {
            LOG.fine("closing a probed model: " + e.getMessage());
        }
    }
}
