package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calibration statistics of an encoder's intermediate tensors, captured with ONNX Runtime on length-sorted,
 * zero-padded batches of token sequences ({@code attention_mask} 1 on real tokens, {@code token_type_ids} zeros);
 * padded positions never count. Padding does not move the real tokens' values: the attention mask keeps
 * them out of every real token's attention.
 */
public final class Calibration {

    /** Sequences per ONNX Runtime run. */
    static final int BATCH = 16;

    private Calibration() {}

    /**
     * The second moments of a tensor's last dimension, augmented with a constant 1 feature: entry (i, j) of the
     * {@code (width + 1)^2} row-major matrix is the sum over tokens of x_i x_j, with x_width = 1 (so the last row
     * holds the feature sums and its last entry the token count). What a least-squares refit of a linear layer
     * with bias on these inputs needs, and Wanda's squared norms on the diagonal.
     */
    public record Gram(int width, double[] moments, double[][] cross) {

        public Gram(int width, double[] moments) {
            this(width, moments, null);
        }

        public double at(int i, int j) {
            return moments[i * (width + 1) + j];
        }

        public double tokens() {
            return at(width, width);
        }

        /**
         * With a target tensor t ({@link #grams(ModelProto, Map, Map, List)}): row i (i < width) is the sum over
         * tokens of x_i t, the last row the sum of t; else null.
         */
        public double[][] cross() {
            return cross;
        }

        /** sqrt(sum of x_i^2) over the calibration tokens. */
        public double norm(int i) {
            return Math.sqrt(at(i, i));
        }
    }

    /**
     * {@link Gram}s of the named float tensors ({@code [batch, seq, width]}), width given per tensor. The products
     * are computed inside the graph (one {@code MatMul} per tensor and batch, on the masked activations), so only
     * {@code width^2} floats per tensor and batch cross into Java, where they are summed in double. The graph is
     * cut after the last tensor asked for: later nodes do not run.
     */
    public static Map<String, Gram> grams(ModelProto model, Map<String, Integer> widths, List<long[]> sequences)
            throws OrtException {
        return grams(model, widths, Map.of(), sequences);
    }

    /** A float tensor {@code [batch, seq, width]} whose products with a layer input are wanted ({@link Gram#cross}). */
    public record Target(String tensor, int width) {}

    /**
     * As {@link #grams(ModelProto, Map, List)}, and for each input with an entry in {@code targets}, the sums of
     * its products with that target tensor over the same tokens.
     */
    public static Map<String, Gram> grams(ModelProto model, Map<String, Integer> widths, Map<String, Target> targets,
            List<long[]> sequences) throws OrtException {
        OnnxGraphBuilder b = OnnxGraphBuilder.edit(model).clearOutputs(); // only the moments: the graph is cut after them
        String mask = b.node("Cast").inputs("attention_mask").attr("to", (long) OnnxGraphBuilder.FLOAT).output();
        String maskColumn = b.op("Reshape", mask, b.longConst("calibration_mask_column", 0, 0, 1));
        String maskRow = b.op("Reshape", mask, b.longConst("calibration_mask_row", 1, -1));
        Map<String, String[]> outputs = new LinkedHashMap<>(); // tensor -> {x^T x, 1^T x}
        widths.forEach((tensor, width) -> {
            String flat = b.op("Reshape", b.op("Mul", tensor, maskColumn), b.longConst("calibration_flat", -1, width));
            String transposed = b.node("Transpose").inputs(flat).attr("perm", new long[] {1, 0}).output();
            String products = b.op("MatMul", transposed, flat);
            String sums = b.op("MatMul", maskRow, flat);
            b.output(products, OnnxGraphBuilder.FLOAT, width, width);
            b.output(sums, OnnxGraphBuilder.FLOAT, 1, width);
            Target target = targets.get(tensor);
            if (target == null) {
                outputs.put(tensor, new String[] {products, sums});
                return;
            }
            String targetFlat = b.op("Reshape", b.op("Mul", target.tensor(), maskColumn),
                    b.longConst("calibration_flat", -1, target.width()));
            String cross = b.op("MatMul", transposed, targetFlat);
            String targetSums = b.op("MatMul", maskRow, targetFlat);
            b.output(cross, OnnxGraphBuilder.FLOAT, width, target.width());
            b.output(targetSums, OnnxGraphBuilder.FLOAT, 1, target.width());
            outputs.put(tensor, new String[] {products, sums, cross, targetSums});
        });
        Map<String, double[][]> crossAcc = new LinkedHashMap<>();
        targets.forEach((tensor, target) -> crossAcc.put(tensor, new double[widths.get(tensor) + 1][target.width()]));
        Map<String, double[]> acc = new LinkedHashMap<>();
        widths.forEach((tensor, width) -> acc.put(tensor, new double[(width + 1) * (width + 1)]));
        Set<String> wanted = new java.util.LinkedHashSet<>();
        outputs.values().forEach(o -> wanted.addAll(List.of(o)));
        forEachBatch(StructuredEdits.withoutUnusedParts(b.build()), wanted, sequences, (result, batch) -> {
            long tokens = batch.stream().mapToLong(s -> s.length).sum();
            for (Map.Entry<String, String[]> e : outputs.entrySet()) {
                int w = widths.get(e.getKey());
                double[] m = acc.get(e.getKey());
                FloatBuffer products = floats(result, e.getValue()[0]);
                for (int i = 0; i < w; i++) {
                    int row = i * (w + 1);
                    for (int j = 0; j < w; j++) {
                        m[row + j] += products.get();
                    }
                }
                FloatBuffer sums = floats(result, e.getValue()[1]);
                for (int j = 0; j < w; j++) {
                    double s = sums.get();
                    m[j * (w + 1) + w] += s;
                    m[w * (w + 1) + j] += s;
                }
                m[w * (w + 1) + w] += tokens;
                if (e.getValue().length > 2) {
                    double[][] c = crossAcc.get(e.getKey());
                    FloatBuffer cross = floats(result, e.getValue()[2]);
                    FloatBuffer targetSums = floats(result, e.getValue()[3]);
                    int tw = c[0].length;
                    for (int i = 0; i < w; i++) {
                        for (int o = 0; o < tw; o++) {
                            c[i][o] += cross.get();
                        }
                    }
                    for (int o = 0; o < tw; o++) {
                        c[w][o] += targetSums.get();
                    }
                }
            }
        });
        Map<String, Gram> grams = new LinkedHashMap<>();
        acc.forEach((tensor, m) -> grams.put(tensor, new Gram(widths.get(tensor), m, crossAcc.get(tensor))));
        return grams;
    }

    /**
     * Per block, the mean over calibration tokens of the cosine between the hidden state entering it and the one
     * leaving it: how little the block changes the residual stream (1 = not at all).
     */
    public static double[] blockCosines(ModelProto model, List<EncoderBlock> blocks, List<long[]> sequences)
            throws OrtException {
        Set<String> wanted = new java.util.LinkedHashSet<>();
        blocks.forEach(bl -> wanted.addAll(List.of(bl.input(), bl.output())));
        double[] sum = new double[blocks.size()];
        long[] count = new long[1];
        forEachBatch(ActivationNorms.exposing(model, wanted), wanted, sequences, (result, batch) -> {
            int len = batch.get(batch.size() - 1).length;
            for (int k = 0; k < blocks.size(); k++) {
                FloatBuffer in = floats(result, blocks.get(k).input());
                FloatBuffer out = floats(result, blocks.get(k).output());
                int width = in.capacity() / (batch.size() * len);
                for (int s = 0; s < batch.size(); s++) {
                    for (int t = 0; t < batch.get(s).length; t++) {
                        int at = (s * len + t) * width;
                        double dot = 0;
                        double nIn = 0;
                        double nOut = 0;
                        for (int f = 0; f < width; f++) {
                            double x = in.get(at + f);
                            double y = out.get(at + f);
                            dot += x * y;
                            nIn += x * x;
                            nOut += y * y;
                        }
                        sum[k] += dot / Math.sqrt(nIn * nOut);
                    }
                }
            }
            count[0] += batch.stream().mapToLong(s -> s.length).sum();
        });
        for (int k = 0; k < sum.length; k++) {
            sum[k] /= count[0];
        }
        return sum;
    }

    @FunctionalInterface
    interface BatchConsumer {
        void accept(OrtSession.Result result, List<long[]> batch) throws OrtException;
    }

    /** Runs every length-sorted batch (longest last within a batch) and hands its outputs to {@code consumer}. */
    static void forEachBatch(ModelProto model, Set<String> outputs, List<long[]> sequences, BatchConsumer consumer)
            throws OrtException {
        List<long[]> sorted = new ArrayList<>(sequences);
        sorted.sort(Comparator.comparingInt(s -> s.length));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model.toByteArray(), opts)) {
            boolean typeIds = session.getInputNames().contains("token_type_ids");
            for (int start = 0; start < sorted.size(); start += BATCH) {
                List<long[]> batch = sorted.subList(start, Math.min(sorted.size(), start + BATCH));
                int len = batch.get(batch.size() - 1).length;
                long[] ids = new long[batch.size() * len];
                long[] mask = new long[ids.length];
                for (int s = 0; s < batch.size(); s++) {
                    long[] seq = batch.get(s);
                    System.arraycopy(seq, 0, ids, s * len, seq.length);
                    java.util.Arrays.fill(mask, s * len, s * len + seq.length, 1);
                }
                long[] shape = {batch.size(), len};
                Map<String, OnnxTensor> in = new HashMap<>();
                try {
                    in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                    in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                    if (typeIds) {
                        in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
                    }
                    try (OrtSession.Result r = session.run(in, outputs)) {
                        consumer.accept(r, batch);
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    private static FloatBuffer floats(OrtSession.Result result, String name) {
        return ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
    }
}
