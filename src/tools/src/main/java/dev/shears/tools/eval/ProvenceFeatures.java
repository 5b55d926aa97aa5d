package dev.shears.tools.eval;

import dev.shears.eval.WikiQa;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shears.pruning.provence.BlockPacker;
import dev.shears.pruning.provence.SentenceAlignment;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.TextTokenizer;
import dev.shears.onnx.provence.ProvenceRelevanceModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Frozen encoder features of WikiQA questions encoded Provence-style: per question, the title sentence and the
 * passage sentences are tokenized one by one, packed into {@code [CLS] question [SEP] block [SEP]} blocks
 * exactly as at inference ({@link BlockPacker}), and run through the encoder. Kept: every context token's
 * last hidden state with its sentence and label (1 = token of an answer sentence), and per block the [CLS]
 * state and the mean state over [CLS] + query (the inputs of {@code ProvenceHeadGraph}'s heads).
 */
final class ProvenceFeatures implements Serializable {

    private static final long serialVersionUID = 2L;

    final int dim;
    // per token
    float[] hidden;
    int[] tokenBlock;
    int[] tokenSentence;
    byte[] tokenLabel;
    // per block
    float[] cls;
    float[] query;
    byte[] blockLabel;
    int[] blockQuestion;
    PassageLayout layout;

    ProvenceFeatures(int dim) {
        this.dim = dim;
    }

    int tokens() {
        return tokenBlock.length;
    }

    int blocks() {
        return blockLabel.length;
    }

    int questions() {
        return layout.questions();
    }

    static ProvenceFeatures loadOrExtract(List<WikiQa.Question> questions, String encoderLocation, int maxLength, Path cache)
            throws IOException, ClassNotFoundException {
        if (cache != null && Files.exists(cache)) {
            try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(cache), 1 << 20))) {
                System.err.println("features from cache " + cache);
                return (ProvenceFeatures) in.readObject();
            }
        }
        ProvenceFeatures f = extract(questions, encoderLocation, maxLength);
        if (cache != null) {
            Files.createDirectories(cache.toAbsolutePath().getParent());
            try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(cache), 1 << 20))) {
                out.writeObject(f);
            }
        }
        return f;
    }

    static ProvenceFeatures extract(List<WikiQa.Question> questions, String encoderLocation, int maxLength) {
        ModelLocation location = ModelLocation.parse(encoderLocation);
        ModelManifest manifest = location.manifest();
        byte[] model = location.readVerified(manifest, ModelManifest.MODEL);
        int dim = manifest.hiddenSize();
        try (TextTokenizer tokenizer = TextTokenizer.fromJson(location.readVerified(manifest, ModelManifest.TOKENIZER), manifest.id());
                // the graph as Shears serves it, so that heads train on the hidden states they will see
                OrtSession session = OnnxSessions.openEncoder(model, RuntimeOptions.defaults(), manifest.id()).model()) {
            WikiQaBlocks packed = WikiQaBlocks.pack(questions, tokenizer, maxLength);
            ProvenceFeatures f = new ProvenceFeatures(dim);
            f.layout = packed.layout;
            List<BlockPacker.Block> blocks = packed.blocks.stream().map(WikiQaBlocks.Block::packed).toList();
            List<long[]> blockIds = blocks.stream().map(BlockPacker.Block::ids).toList();
            int nTokens = 0;
            for (BlockPacker.Block b : blocks) {
                for (BlockPacker.Fragment fr : b.fragments()) {
                    nTokens += fr.length();
                }
            }
            f.hidden = new float[nTokens * dim];
            f.tokenBlock = new int[nTokens];
            f.tokenSentence = new int[nTokens];
            f.tokenLabel = new byte[nTokens];
            f.cls = new float[blocks.size() * dim];
            f.query = new float[blocks.size() * dim];
            f.blockLabel = new byte[blocks.size()];
            f.blockQuestion = packed.blocks.stream().mapToInt(WikiQaBlocks.Block::question).toArray();
            int[] tokenStart = new int[blocks.size()];
            int at = 0;
            for (int b = 0; b < blocks.size(); b++) {
                tokenStart[b] = at;
                for (BlockPacker.Fragment fr : blocks.get(b).fragments()) {
                    at += fr.length();
                }
            }
            Integer[] order = new Integer[blocks.size()];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, Comparator.comparingInt(i -> blockIds.get(i).length));
            long started = System.nanoTime();
            int batch = 16;
            for (int from = 0; from < order.length; from += batch) {
                int to = Math.min(order.length, from + batch);
                List<Integer> rows = Arrays.asList(order).subList(from, to);
                float[][][] states = run(session, rows.stream().map(blockIds::get).toList(), dim);
                for (int r = 0; r < rows.size(); r++) {
                    int b = rows.get(r);
                    f.store(b, blocks.get(b), states[r], tokenStart[b], packed.blocks.get(b).sentenceBase(), packed.sep);
                }
                if ((from / batch) % 40 == 0) {
                    System.err.printf("encoded %d/%d blocks, %.0f s%n", to, order.length, (System.nanoTime() - started) / 1e9);
                }
            }
            return f;
        } catch (OrtException e) {
            throw new IllegalStateException("encoder failed: " + e.getMessage(), e);
        }
    }

    private void store(int b, BlockPacker.Block block, float[][] states, int tokenStart, int sentenceBase, long sepId) {
        System.arraycopy(states[0], 0, cls, b * dim, dim);
        int n = 0;
        long[] ids = block.ids();
        while (n < ids.length && ids[n] != sepId) {
            n++;
        }
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < dim; d++) {
                query[b * dim + d] += states[t][d];
            }
        }
        for (int d = 0; d < dim; d++) {
            query[b * dim + d] /= n;
        }
        int at = tokenStart;
        boolean any = false;
        for (BlockPacker.Fragment fr : block.fragments()) {
            int sentence = sentenceBase + fr.sentence();
            for (int k = fr.offset(); k < fr.offset() + fr.length(); k++) {
                System.arraycopy(states[k], 0, hidden, at * dim, dim);
                tokenBlock[at] = b;
                tokenSentence[at] = sentence;
                tokenLabel[at] = (byte) (layout.sentenceAnswer()[sentence] ? 1 : 0);
                any |= layout.sentenceAnswer()[sentence];
                at++;
            }
        }
        blockLabel[b] = (byte) (any ? 1 : 0);
    }

    private static float[][][] run(OrtSession session, List<long[]> batch, int dim) throws OrtException {
        int rows = batch.size();
        int length = batch.stream().mapToInt(x -> x.length).max().orElse(0);
        long[][] ids = new long[rows][length];
        long[][] mask = new long[rows][length];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < batch.get(r).length; t++) {
                ids[r][t] = batch.get(r)[t];
                mask[r][t] = 1;
            }
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(OnnxSessions.environment(), ids));
            inputs.put("attention_mask", OnnxTensor.createTensor(OnnxSessions.environment(), mask));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(OnnxSessions.environment(), new long[rows][length]));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer h = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][][] out = new float[rows][][];
                for (int r = 0; r < rows; r++) {
                    out[r] = new float[batch.get(r).length][dim];
                    for (int t = 0; t < out[r].length; t++) {
                        h.get((r * length + t) * dim, out[r][t], 0, dim);
                    }
                }
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
