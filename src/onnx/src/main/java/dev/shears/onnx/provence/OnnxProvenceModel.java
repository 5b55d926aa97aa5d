package dev.shears.onnx.provence;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shears.pruning.provence.BlockPacker;
import dev.shears.pruning.provence.ScoreScale;
import dev.shears.pruning.provence.SentenceRounding;
import dev.shears.pruning.provence.TokenKeepModel;
import dev.shears.onnx.EncoderInputs;
import dev.shears.inference.InferenceException;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxModel;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.TextTokenizer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Provence-style dual-head model (ONNX graph + tokenizer + {@code task: "provence"} manifest) behind the
 * pure-Java {@link TokenKeepModel} SPI. Every file the manifest lists is sha256-checked before use. Blocks are
 * batched in length order and padded with attention mask 0; per-block results do not depend on the batch.
 * Graph signature: see {@code models/README.md}.
 */
public final class OnnxProvenceModel extends OnnxModel implements TokenKeepModel {

    public static final String INPUT_IDS = EncoderInputs.INPUT_IDS;
    public static final String ATTENTION_MASK = EncoderInputs.ATTENTION_MASK;
    public static final String TOKEN_TYPE_IDS = EncoderInputs.TOKEN_TYPE_IDS;
    public static final String KIND_LOGITS = "keep_logits";
    public static final String KIND_PROBS = "keep_probs";

    private final ModelManifest.Provence spec;
    private final boolean probsOutput;
    private final int batchSize;

    private OnnxProvenceModel(ModelManifest manifest, String checksum, OrtSession session, TextTokenizer tokenizer) {
        super(manifest, checksum, session, tokenizer);
        this.spec = manifest.provence();
        String kind = spec.tokenOutputKind() == null ? KIND_LOGITS : spec.tokenOutputKind().toLowerCase(Locale.ROOT);
        if (!kind.equals(KIND_LOGITS) && !kind.equals(KIND_PROBS)) {
            throw new ModelLoadException("model '" + manifest.id() + "': token_output_kind must be '" + KIND_LOGITS + "' or '"
                    + KIND_PROBS + "', got '" + spec.tokenOutputKind() + "'");
        }
        this.probsOutput = kind.equals(KIND_PROBS);
        this.batchSize = spec.batchSize() == null || spec.batchSize() < 1 ? 16 : spec.batchSize();
        requireInputsAndOutputs(Arrays.asList(spec.rankOutput(), spec.tokenOutput()));
        // enum names are checked at load time, not at the first request
        rounding();
        scoreScale();
    }

    /** Locates, verifies (sha256 of every listed file) and opens a Provence model. */
    public static OnnxProvenceModel load(ModelLocation location, RuntimeOptions options) {
        ModelManifest manifest = location.manifest();
        if (!ModelManifest.TASK_PROVENCE.equals(manifest.task()) || manifest.provence() == null) {
            throw new ModelLoadException("model '" + manifest.id() + "' is not a Provence model (needs task \"provence\" and a"
                    + " 'provence' block in its manifest, has task '" + manifest.task() + "')");
        }
        Map<String, byte[]> files = new HashMap<>();
        for (String role : manifest.files().keySet()) {
            files.put(role, location.readVerified(manifest, role));
        }
        return OnnxSessions.openWithTokenizer(manifest, files.get(ModelManifest.MODEL), files.get(ModelManifest.TOKENIZER),
                options, (checksum, session, tokenizer) -> new OnnxProvenceModel(manifest, checksum, session, tokenizer));
    }

    public SentenceRounding rounding() {
        try {
            return SentenceRounding.parse(spec.rounding());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model '" + manifest.id() + "': unknown rounding '" + spec.rounding() + "'", e);
        }
    }

    public ScoreScale scoreScale() {
        try {
            return ScoreScale.parse(spec.scoreScale());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model '" + manifest.id() + "': unknown score_scale '" + spec.scoreScale() + "'", e);
        }
    }

    public double defaultThreshold() {
        return spec.defaultThreshold();
    }

    /** The packer for this model's length and special tokens ({@code [CLS] q [SEP] c [SEP]}). */
    public BlockPacker packer() {
        return BlockPacker.bert(manifest.maxLength(), clsId, sepId);
    }

    /** Token ids of {@code text} without special tokens. */
    public long[] tokenize(String text) {
        return tokenizer.ids(List.of(text)).get(0);
    }

    @Override
    public List<BlockOutput> run(List<long[]> blocks) {
        BlockOutput[] out = new BlockOutput[blocks.size()];
        Integer[] order = EncoderInputs.lengthOrder(blocks);
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<long[]> batch = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                batch.add(blocks.get(order[k]));
            }
            BlockOutput[] results = runBatch(batch);
            for (int k = from; k < to; k++) {
                out[order[k]] = results[k - from];
            }
        }
        return Arrays.asList(out);
    }

    private BlockOutput[] runBatch(List<long[]> batch) {
        int rows = batch.size();
        int length = batch.stream().mapToInt(b -> b.length).max().orElse(0);
        if (length > manifest.maxLength()) {
            throw new InferenceException("block of " + length + " tokens exceeds the model's max_length " + manifest.maxLength());
        }
        try (EncoderInputs inputs = EncoderInputs.of(batch, length, inputNames);
                OrtSession.Result result = session.run(inputs.tensors(), Set.of(spec.rankOutput(), spec.tokenOutput()))) {
            OnnxTensor rank = (OnnxTensor) result.get(spec.rankOutput()).orElseThrow();
            OnnxTensor tokens = (OnnxTensor) result.get(spec.tokenOutput()).orElseThrow();
            return read(batch, rank, tokens);
        } catch (OrtException e) {
            throw new InferenceException("model '" + manifest.id() + "' failed on a batch of " + rows + "x" + length
                    + " tokens: " + e.getMessage(), e);
        }
    }

    private BlockOutput[] read(List<long[]> batch, OnnxTensor rank, OnnxTensor tokens) {
        int rows = batch.size();
        FloatBuffer r = rank.getFloatBuffer();
        if (r.remaining() != rows) {
            throw new InferenceException("model '" + manifest.id() + "': output '" + spec.rankOutput() + "' has "
                    + r.remaining() + " values for " + rows + " blocks (expected shape [B, 1])");
        }
        long[] shape = tokens.getInfo().getShape();
        int width = probsOutput ? 1 : 2;
        if (shape.length != (probsOutput ? 2 : 3) || shape[0] != rows || (!probsOutput && shape[2] != 2)) {
            throw new InferenceException("model '" + manifest.id() + "': output '" + spec.tokenOutput() + "' has shape "
                    + Arrays.toString(shape) + ", expected " + (probsOutput ? "[B, L]" : "[B, L, 2]"));
        }
        int length = (int) shape[1];
        FloatBuffer t = tokens.getFloatBuffer();
        BlockOutput[] out = new BlockOutput[rows];
        for (int row = 0; row < rows; row++) {
            int n = batch.get(row).length;
            double[] p = new double[n];
            int base = row * length * width;
            for (int k = 0; k < n; k++) {
                if (probsOutput) {
                    p[k] = t.get(base + k);
                } else {
                    double drop = t.get(base + 2 * k);
                    double keep = t.get(base + 2 * k + 1);
                    p[k] = 1.0 / (1.0 + Math.exp(drop - keep));
                }
                if (!(p[k] >= 0 && p[k] <= 1)) {
                    throw new InferenceException("model '" + manifest.id() + "' returned keep-probability " + p[k]);
                }
            }
            out[row] = new BlockOutput(r.get(row), p);
        }
        return out;
    }

}
