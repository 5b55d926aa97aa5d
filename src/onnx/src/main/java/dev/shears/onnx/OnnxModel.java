package dev.shears.onnx;

import dev.shears.inference.InferenceException;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * What every BERT-style ONNX model Shears serves holds: its manifest, the sha256 that identifies it, an open
 * session and a tokenizer that wraps text in two special tokens ({@code [CLS] ... [SEP]}). Subclasses are opened
 * by {@link OnnxSessions#openWithTokenizer}, which closes session and tokenizer if construction fails.
 */
public abstract class OnnxModel implements AutoCloseable {

    protected final ModelManifest manifest;
    protected final OrtSession session;
    protected final TextTokenizer tokenizer;
    protected final Set<String> inputNames;
    protected final long clsId;
    protected final long sepId;
    private final String checksum;
    private int fusedLayerNorms;

    protected OnnxModel(ModelManifest manifest, String checksum, OrtSession session, TextTokenizer tokenizer) {
        this.manifest = manifest;
        this.checksum = checksum;
        this.session = session;
        this.tokenizer = tokenizer;
        this.inputNames = session.getInputNames();
        long[] specials = tokenizer.encode("", true).ids();
        if (specials.length != 2) {
            throw new ModelLoadException("model '" + manifest.id() + "': expected the tokenizer to wrap text in two"
                    + " special tokens ([CLS] ... [SEP]), got " + specials.length);
        }
        this.clsId = specials[0];
        this.sepId = specials[1];
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** sha256 of the ONNX graph: identifies the model in cache keys and in responses. */
    public String checksum() {
        return checksum;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Layer norms this session runs fused as {@code SkipLayerNormalization} (0: the graph runs as it is). */
    public int fusedLayerNorms() {
        return fusedLayerNorms;
    }

    void fusedLayerNorms(int count) {
        this.fusedLayerNorms = count;
    }

    /** Fails the load, naming every problem, unless the graph has the encoder inputs and each of {@code outputs}. */
    protected void requireInputsAndOutputs(List<String> outputs) {
        List<String> problems = EncoderInputs.missingInputs(inputNames);
        for (String name : outputs) {
            if (name == null || !session.getOutputNames().contains(name)) {
                problems.add("graph has no output '" + name + "' (outputs: " + session.getOutputNames() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelLoadException("model '" + manifest.id() + "' does not match its manifest: " + String.join("; ", problems));
        }
    }

    /**
     * Every float output of a padded batch of two short sequences, flattened: what the graph computes, to compare a
     * rewritten graph with the one it came from before it serves.
     */
    Map<String, float[]> probe() {
        List<long[]> batch = List.of(new long[] {clsId, sepId}, new long[] {clsId, sepId, sepId});
        Map<String, float[]> outputs = new TreeMap<>();
        try (EncoderInputs inputs = EncoderInputs.of(batch, 3, inputNames);
                OrtSession.Result result = session.run(inputs.tensors())) {
            for (Map.Entry<String, OnnxValue> e : result) {
                if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                    FloatBuffer values = t.getFloatBuffer();
                    float[] v = new float[values.remaining()];
                    values.get(v);
                    outputs.put(e.getKey(), v);
                }
            }
            return outputs;
        } catch (OrtException e) {
            throw new InferenceException("model '" + manifest.id() + "' cannot run a batch of two: " + e.getMessage(), e);
        }
    }

    /**
     * Why a rewritten graph's {@link #probe} does not match its source's, or null when every output has the same
     * size and no value differs by more than {@code tolerance} times the output's largest magnitude (at least 1).
     * A check that the rewrite fits the graph (shapes, broadcasting), not of its arithmetic, which tests pin: a
     * graph that quantizes activations per pass rounds a value a step apart now and then, which can move a small
     * logit by a few hundredths.
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

    @Override
    public void close() {
        tokenizer.close();
        OnnxSessions.closeQuietly(session);
    }
}
