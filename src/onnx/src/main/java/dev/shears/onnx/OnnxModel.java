package dev.shears.onnx;

import ai.onnxruntime.OrtSession;
import java.util.List;
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

    @Override
    public void close() {
        tokenizer.close();
        OnnxSessions.closeQuietly(session);
    }
}
