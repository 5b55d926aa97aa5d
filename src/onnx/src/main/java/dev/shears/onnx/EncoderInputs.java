package dev.shears.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The input tensors of a BERT-style encoder graph for one padded batch, fed from direct buffers:
 * {@code input_ids} (padding id 0), {@code attention_mask} (1 on real tokens, 0 on padding) and, when the graph
 * declares it, all-zero {@code token_type_ids}. Closing it closes every tensor it created.
 */
public final class EncoderInputs implements AutoCloseable {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final Map<String, OnnxTensor> tensors = new HashMap<>();

    private EncoderInputs() {}

    /**
     * Builds the tensors for {@code batch}, every sequence padded (or cut) to {@code length} tokens; shape
     * {@code [batch.size(), length]}. {@code graphInputs} are the session's input names.
     */
    public static EncoderInputs of(List<long[]> batch, int length, Set<String> graphInputs) throws OrtException {
        int rows = batch.size();
        LongBuffer ids = directLongs(rows * length);
        LongBuffer mask = directLongs(rows * length);
        for (long[] seq : batch) {
            for (int t = 0; t < length; t++) {
                ids.put(t < seq.length ? seq[t] : 0L);
                mask.put(t < seq.length ? 1L : 0L);
            }
        }
        ids.rewind();
        mask.rewind();
        long[] shape = {rows, length};
        OrtEnvironment env = OnnxSessions.environment();
        EncoderInputs inputs = new EncoderInputs();
        try {
            inputs.tensors.put(INPUT_IDS, OnnxTensor.createTensor(env, ids, shape));
            inputs.tensors.put(ATTENTION_MASK, OnnxTensor.createTensor(env, mask, shape));
            if (graphInputs.contains(TOKEN_TYPE_IDS)) {
                inputs.tensors.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, directLongs(rows * length), shape));
            }
        } catch (OrtException | RuntimeException e) {
            inputs.close();
            throw e;
        }
        return inputs;
    }

    /** The tensors by input name, as {@code OrtSession.run} takes them. */
    public Map<String, OnnxTensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }

    /** Indices of {@code sequences} ordered by length, shortest first (stable), so batches pad little. */
    public static Integer[] lengthOrder(List<long[]> sequences) {
        Integer[] order = new Integer[sequences.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> sequences.get(i).length));
        return order;
    }

    /** Problems with the graph's inputs: {@code input_ids} and {@code attention_mask} are required. */
    public static List<String> missingInputs(Set<String> graphInputs) {
        List<String> problems = new ArrayList<>();
        for (String name : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!graphInputs.contains(name)) {
                problems.add("graph has no input '" + name + "' (inputs: " + graphInputs + ")");
            }
        }
        return problems;
    }

    /** A native-order direct buffer of {@code n} longs (zeroed); never a zero-byte allocation. */
    private static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(Math.max(1, n) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer().limit(n);
    }
}
