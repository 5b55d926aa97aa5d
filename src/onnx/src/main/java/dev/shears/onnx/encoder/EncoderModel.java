package dev.shears.onnx.encoder;

import dev.shears.inference.InferenceException;
import dev.shears.inference.LengthBuckets;
import dev.shears.onnx.EncoderInputs;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxModel;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.TextTokenizer;
import dev.shears.onnx.graph.RowwiseQuantization;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A BERT-style text encoder (ONNX graph + tokenizer) that turns texts into pooled, normalised embeddings.
 * Inputs are fed as direct buffers; batches are formed from length-sorted texts under a padded-token budget,
 * so short sentences are not padded to the longest one in the request.
 */
public final class EncoderModel extends OnnxModel {

    private final String outputName;
    private final int maxBatchSize;
    private final int maxBatchTokens;

    private EncoderModel(ModelManifest manifest, String checksum, OrtSession session, TextTokenizer tokenizer,
            int maxBatchSize, int maxBatchTokens) {
        super(manifest, checksum, session, tokenizer);
        this.outputName = manifest.outputs() == null || manifest.outputs().isEmpty()
                ? session.getOutputNames().iterator().next()
                : manifest.outputs().get(0);
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        requireInputsAndOutputs(List.of(outputName));
    }

    /**
     * Locates, verifies (sha256) and opens an encoder; every problem is reported as {@link ModelLoadException}.
     * A graph that quantizes activations per batch (manifest {@code rowwise_quantization}) is rewritten to
     * quantize them per token when passes may hold several sequences; one sequence per pass needs no rewrite.
     */
    public static EncoderModel load(ModelLocation location, RuntimeOptions options, int maxBatchSize, int maxBatchTokens) {
        ModelManifest manifest = location.manifest();
        byte[] verified = location.readVerified(manifest, ModelManifest.MODEL);
        byte[] graph = manifest.rowwiseQuantization() && maxBatchSize > 1 ? RowwiseQuantization.rewrite(verified) : verified;
        byte[] tokenizerJson = location.readVerified(manifest, ModelManifest.TOKENIZER);
        return OnnxSessions.openWithTokenizer(manifest, verified, graph, tokenizerJson, options, (checksum, session, tokenizer) ->
                new EncoderModel(manifest, checksum, session, tokenizer, maxBatchSize, maxBatchTokens));
    }

    public int maxLength() {
        return manifest.maxLength();
    }

    /**
     * Wraps content token ids, the parts joined in order, in [CLS] ... [SEP], truncating the content to the
     * model's maximum length.
     */
    public long[] withSpecialTokens(long[]... contentParts) {
        int total = 0;
        for (long[] part : contentParts) {
            total += part.length;
        }
        int n = Math.min(total, maxLength() - 2);
        long[] ids = new long[n + 2];
        ids[0] = clsId;
        int at = 1;
        for (long[] part : contentParts) {
            int take = Math.min(part.length, n + 1 - at);
            System.arraycopy(part, 0, ids, at, take);
            at += take;
        }
        ids[n + 1] = sepId;
        return ids;
    }

    /** Embeds texts (tokenized here, truncated to the maximum length). */
    public float[][] embedTexts(List<String> texts) {
        return embed(tokenize(texts));
    }

    /**
     * Embeds pre-tokenized sequences (each already wrapped in special tokens). Returns one vector per input, in
     * input order, pooled as the manifest says and L2-normalised when it says so. Single-sequence passes are
     * too small to keep more than one core busy, so they run in parallel on the common pool.
     */
    public float[][] embed(List<long[]> sequences) {
        int[] lengths = sequences.stream().mapToInt(seq -> seq.length).toArray();
        float[][] out = new float[sequences.size()][];
        List<int[]> plan = LengthBuckets.plan(lengths, maxBatchSize, maxBatchTokens);
        IntStream passes = IntStream.range(0, plan.size());
        (maxBatchSize == 1 ? passes.parallel() : passes).forEach(p -> {
            int[] batch = plan.get(p);
            List<long[]> rows = new ArrayList<>(batch.length);
            for (int i : batch) {
                rows.add(sequences.get(i));
            }
            float[][] pooled = forward(rows);
            for (int k = 0; k < batch.length; k++) {
                out[batch[k]] = pooled[k];
            }
        });
        return out;
    }

    /** One forward pass over exactly these sequences (padded to the longest); pooled vectors in the same order. */
    public float[][] forward(List<long[]> batch) {
        return runBatch(batch, batch.stream().mapToInt(seq -> seq.length).max().orElse(0));
    }

    /** Token ids of a text wrapped in special tokens, truncated to the maximum length. */
    public long[] tokenize(String text) {
        return withSpecialTokens(tokenizer.ids(List.of(text)).get(0));
    }

    /** {@link #tokenize} for many texts, in one tokenizer call. */
    public List<long[]> tokenize(List<String> texts) {
        List<long[]> ids = tokenizer.ids(texts);
        List<long[]> out = new ArrayList<>(ids.size());
        for (long[] content : ids) {
            out.add(withSpecialTokens(content));
        }
        return out;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public int maxBatchTokens() {
        return maxBatchTokens;
    }

    private float[][] runBatch(List<long[]> batch, int length) {
        try (EncoderInputs inputs = EncoderInputs.of(batch, length, inputNames);
                OrtSession.Result result = session.run(inputs.tensors(), Set.of(outputName))) {
            OnnxTensor hidden = (OnnxTensor) result.get(0);
            long[] outShape = hidden.getInfo().getShape();
            return pool(hidden.getFloatBuffer(), batch, (int) outShape[1], (int) outShape[2]);
        } catch (OrtException e) {
            throw new InferenceException("model '" + manifest.id() + "' failed on a batch of " + batch.size() + "x" + length
                    + " tokens: " + e.getMessage(), e);
        }
    }

    private float[][] pool(FloatBuffer hidden, List<long[]> batch, int length, int dim) {
        boolean mean = "mean".equalsIgnoreCase(manifest.pooling());
        float[][] pooled = new float[batch.size()][dim];
        for (int row = 0; row < batch.size(); row++) {
            float[] v = pooled[row];
            int base = row * length * dim;
            if (mean) {
                int n = batch.get(row).length;
                for (int t = 0; t < n; t++) {
                    for (int d = 0; d < dim; d++) {
                        v[d] += hidden.get(base + t * dim + d);
                    }
                }
                for (int d = 0; d < dim; d++) {
                    v[d] /= n;
                }
            } else {
                hidden.get(base, v, 0, dim);
            }
            if (manifest.normalize()) {
                Vectors.normalize(v);
            }
            Vectors.requireFinite(v, manifest.id());
        }
        return pooled;
    }

}
