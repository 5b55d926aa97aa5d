package dev.shears.onnx.lm;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.shears.onnx.FusedLayerNorms;
import dev.shears.onnx.ModelDirectory;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.graph.LogitHeads;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ONNX Runtime session over an Optimum decoder file, with what its inputs say about it: whether it takes
 * {@code position_ids}, past key/values (and how many layers), {@code use_cache_branch}, and the Shears heads.
 */
final class DecoderSession implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DecoderSession.class.getName());
    private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");

    final String file;
    final boolean positionIds;
    final boolean attentionMask;
    final boolean useCacheBranch;
    final boolean targetHead;
    final boolean lastHead;
    /** Past input names in layer order (key, value, key, value...), empty for a no-past graph. */
    final List<String> pastNames;
    /** The matching present output names. */
    final List<String> presentNames;
    /** Residual layer norms this session runs fused (0: the graph as it is). */
    int fusedLayerNorms;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OnnxJavaType pastType;
    private final long kvHeads;
    private final long headDim;

    private DecoderSession(OrtEnvironment env, OrtSession session, String file, CausalLmConfig cfg)
            throws OrtException {
        this.env = env;
        this.session = session;
        this.file = file;
        Set<String> in = session.getInputNames();
        Set<String> out = session.getOutputNames();
        positionIds = in.contains("position_ids");
        attentionMask = in.contains("attention_mask");
        useCacheBranch = in.contains("use_cache_branch");
        targetHead = in.contains(LogitHeads.TARGET_IDS) && out.contains(LogitHeads.TARGET_LOGPROBS);
        lastHead = out.contains(LogitHeads.LAST_LOGITS);
        Map<Integer, String[]> layers = new TreeMap<>();
        for (String name : in) {
            Matcher m = PAST.matcher(name);
            if (m.matches()) {
                layers.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new String[2])
                        [m.group(2).equals("key") ? 0 : 1] = name;
            }
        }
        pastNames = new ArrayList<>();
        presentNames = new ArrayList<>();
        OnnxJavaType type = OnnxJavaType.FLOAT;
        long heads = cfg.kvHeads();
        long dim = cfg.headDim();
        for (String[] kv : layers.values()) {
            for (String name : kv) {
                if (name == null) {
                    throw new IllegalStateException(file + ": past key/value inputs are incomplete");
                }
                pastNames.add(name);
                String present = name.replace("past_key_values.", "present.");
                if (!out.contains(present)) {
                    throw new IllegalStateException(file + ": no output " + present + " for input " + name);
                }
                presentNames.add(present);
            }
        }
        if (!pastNames.isEmpty()) {
            NodeInfo info = session.getInputInfo().get(pastNames.get(0));
            TensorInfo t = (TensorInfo) info.getInfo();
            type = t.type;
            long[] shape = t.getShape();
            if (shape.length == 4 && shape[1] > 0) {
                heads = shape[1];
            }
            if (shape.length == 4 && shape[3] > 0) {
                dim = shape[3];
            }
            if (heads <= 0 || dim <= 0) {
                throw new IllegalStateException(file + ": cannot tell kv heads/head dim from the graph or config.json");
            }
        }
        pastType = type;
        kvHeads = heads;
        headDim = dim;
    }

    /**
     * Opens graph {@code name} of {@code files} (checked first, with any external weight files it names); when
     * {@code heads} is set and the model keeps its weights inline, the Shears heads are appended first (target
     * log-probs and/or last-position logits). An inline graph runs with its residual layer norms fused on the CPU
     * once a probe step agrees ({@link FusedLayerNorms}).
     */
    static DecoderSession open(ModelDirectory files, String name, RuntimeOptions options, CausalLmConfig cfg,
                               boolean heads, boolean targetHead, boolean lastHead) throws IOException, OrtException {
        byte[] bytes = files.read(name);
        ModelProto model = ModelProto.parseFrom(bytes);
        String id = files.path().getFileName() + "/" + name;
        if (LogitHeads.usesExternalData(model)) {
            for (String weights : LogitHeads.externalDataFiles(model)) {
                files.verified(weights);
            }
            if (heads) {
                LOG.log(System.Logger.Level.INFO, id + " keeps weights in external data; running it unedited, "
                        + "log-probs are computed in Java");
            }
            OrtSession session = OnnxSessions.open(files.path().resolve(name), options, id);
            return create(session, name, cfg);
        }
        byte[] graph = heads && (targetHead || lastHead) ? LogitHeads.append(model, targetHead, lastHead).toByteArray() : bytes;
        FusedLayerNorms.Opened<DecoderSession> opened = FusedLayerNorms.open(graph, options, id, g -> {
            try {
                return create(OnnxSessions.open(g, options, id), name, cfg);
            } catch (OrtException e) {
                throw new IllegalStateException(id + ": " + e.getMessage(), e);
            }
        }, DecoderSession::probe);
        opened.model().fusedLayerNorms = opened.fused();
        return opened.model();
    }

    private static DecoderSession create(OrtSession session, String name, CausalLmConfig cfg) throws OrtException {
        try {
            return new DecoderSession(OnnxSessions.environment(), session, name, cfg);
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /** Every float output of a three-token step on a batch of two, no past: the probe of {@link FusedLayerNorms}. */
    private Map<String, float[]> probe() {
        long[] ids = {1, 2, 3, 3, 2, 1};
        long[] mask = {1, 1, 1, 1, 1, 1};
        long[] pos = {0, 1, 2, 0, 1, 2};
        try (OrtSession.Result r = run(ids, mask, pos, null, 2, 3, 3, null, session.getOutputNames())) {
            return FusedLayerNorms.floatOutputs(r);
        } catch (OrtException e) {
            throw new IllegalStateException(file + " cannot run a probe step: " + e.getMessage(), e);
        }
    }

    boolean hasPast() {
        return !pastNames.isEmpty();
    }

    /**
     * Runs one step. Arrays are row-major [batch, seq] ({@code mask}: [batch, total]). {@code past} maps past
     * input names to tensors the caller owns; null feeds empty pasts (and {@code use_cache_branch} = false).
     * {@code targets} may be null (zeros are fed when the graph has the target head).
     */
    OrtSession.Result run(long[] ids, long[] mask, long[] pos, long[] targets, int batch, int seq, int total,
                          Map<String, ? extends OnnxTensorLike> past, Set<String> outputs) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensorLike> feeds = new HashMap<>();
            feeds.put("input_ids", own(owned, longs(ids, batch, seq)));
            if (attentionMask) {
                feeds.put("attention_mask", own(owned, longs(mask, batch, total)));
            }
            if (positionIds) {
                feeds.put("position_ids", own(owned, longs(pos, batch, seq)));
            }
            if (targetHead) {
                feeds.put(LogitHeads.TARGET_IDS, own(owned,
                        longs(targets != null ? targets : new long[batch * seq], batch, seq)));
            }
            for (String name : pastNames) {
                feeds.put(name, past != null ? past.get(name) : own(owned, emptyPast(batch)));
            }
            if (useCacheBranch) {
                feeds.put("use_cache_branch", own(owned, OnnxTensor.createTensor(env, new boolean[]{past != null})));
            }
            return session.run(feeds, outputs);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    private OnnxTensor longs(long[] data, int rows, int cols) throws OrtException {
        LongBuffer buf = ByteBuffer.allocateDirect(data.length * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
        buf.put(data).rewind();
        return OnnxTensor.createTensor(env, buf, new long[]{rows, cols});
    }

    private OnnxTensor emptyPast(int batch) throws OrtException {
        long[] shape = {batch, kvHeads, 0, headDim};
        if (pastType == OnnxJavaType.FLOAT) {
            FloatBuffer empty = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()).asFloatBuffer();
            return OnnxTensor.createTensor(env, empty, shape);
        }
        return OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), shape, pastType);
    }

    /** Copies a float output into a Java array. */
    static float[] floats(OrtSession.Result r, String name) {
        OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        FloatBuffer fb = t.getFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }

    /** The last dimension of an output. */
    static int lastDim(OrtSession.Result r, String name) throws OrtException {
        long[] shape = ((TensorInfo) r.get(name).orElseThrow().getInfo()).getShape();
        return (int) shape[shape.length - 1];
    }

    /** Present tensors of a result keyed by the past input names they feed next. */
    Map<String, OnnxTensor> pastFrom(OrtSession.Result r) {
        Map<String, OnnxTensor> m = new HashMap<>();
        for (int i = 0; i < pastNames.size(); i++) {
            m.put(pastNames.get(i), (OnnxTensor) r.get(presentNames.get(i)).orElseThrow());
        }
        return m;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + file + ": " + e.getMessage());
        }
    }
}
