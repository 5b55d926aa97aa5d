package dev.shears.onnx.prune;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wanda's activation statistics: the L2 norm of each input feature of each linear layer over all calibration
 * tokens, captured with ONNX Runtime by exposing the layers' inputs as extra graph outputs. Sequences run one at
 * a time (no padding, so every token counts); {@code attention_mask} is ones and {@code token_type_ids} (when
 * the graph declares it) zeros.
 */
public final class ActivationNorms {

    private ActivationNorms() {}

    /** The model with {@code names} added as float graph outputs (shape left unknown). */
    static ModelProto exposing(ModelProto model, Collection<String> names) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> present = new LinkedHashSet<>();
        g.getOutputList().forEach(o -> present.add(o.getName()));
        for (String n : names) {
            if (present.add(n)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(n).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(OnnxGraphBuilder.FLOAT))));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** Per layer input name: sqrt(sum over tokens of x_j^2), one value per input feature j. */
    public static Map<String, float[]> capture(ModelProto model, List<LinearLayer> layers, List<long[]> sequences)
            throws OrtException {
        List<String> names = layers.stream().map(LinearLayer::input).distinct().toList();
        Map<String, double[]> sums = new LinkedHashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(exposing(model, names).toByteArray(), opts)) {
            Set<String> wanted = new LinkedHashSet<>(names);
            for (long[] ids : sequences) {
                Map<String, OnnxTensor> in = new HashMap<>();
                try {
                    long[] shape = {1, ids.length};
                    in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                    long[] ones = new long[ids.length];
                    java.util.Arrays.fill(ones, 1);
                    if (session.getInputNames().contains("attention_mask")) {
                        in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape));
                    }
                    if (session.getInputNames().contains("token_type_ids")) {
                        in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
                    }
                    try (OrtSession.Result r = session.run(in, wanted)) {
                        for (String n : names) {
                            OnnxValue v = r.get(n).orElseThrow();
                            OnnxTensor t = (OnnxTensor) v;
                            long[] s = t.getInfo().getShape();
                            int features = (int) s[s.length - 1];
                            FloatBuffer fb = t.getFloatBuffer();
                            double[] acc = sums.computeIfAbsent(n, k -> new double[features]);
                            for (int k = 0; fb.hasRemaining(); k++) {
                                double x = fb.get();
                                acc[k % features] += x * x;
                            }
                        }
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
        Map<String, float[]> norms = new LinkedHashMap<>();
        sums.forEach((n, acc) -> {
            float[] f = new float[acc.length];
            for (int j = 0; j < acc.length; j++) {
                f[j] = (float) Math.sqrt(acc[j]);
            }
            norms.put(n, f);
        });
        return norms;
    }
}
