package dev.shears.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/** Opens ONNX Runtime sessions with {@link RuntimeOptions}; the one place that knows ORT's option names. */
public final class OnnxSessions {

    private static final Logger LOG = Logger.getLogger(OnnxSessions.class.getName());

    private OnnxSessions() {}

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** Opens a session over an in-memory model; reports which execution provider it ended up on. */
    public static OrtSession open(byte[] model, RuntimeOptions options, String modelId) {
        try (OrtSession.SessionOptions so = sessionOptions(options, modelId)) {
            return environment().createSession(model, so);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot open model '" + modelId + "': " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw nativeLibraryFailed(e);
        }
    }

    private static ModelLoadException nativeLibraryFailed(UnsatisfiedLinkError e) {
        return new ModelLoadException("ONNX Runtime's native library failed to load (" + e.getMessage()
                + "); on Alpine/musl or an unusual CPU use a glibc x86_64/aarch64 host", e);
    }

    /**
     * Opens a session over a graph file, for graphs whose weights live in external data files beside it (ORT
     * resolves them relative to the file, which an in-memory graph cannot do).
     */
    public static OrtSession open(Path model, RuntimeOptions options, String modelId) {
        try (OrtSession.SessionOptions so = sessionOptions(options, modelId)) {
            return environment().createSession(model.toString(), so);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot open model '" + modelId + "' (" + model + "): " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw nativeLibraryFailed(e);
        }
    }

    /** Builds a model object from its opened parts (the graph's sha256, its session and its tokenizer). */
    @FunctionalInterface
    public interface ModelFactory<T> {
        T create(String checksum, OrtSession session, TextTokenizer tokenizer);
    }

    /**
     * Parses the tokenizer, opens a session over {@code model} and hands both, with the graph's sha256, to
     * {@code factory}. If opening the session or the factory fails, the tokenizer and session are closed before
     * the exception propagates; on success the returned object owns both.
     */
    public static <T extends OnnxModel> T openWithTokenizer(ModelManifest manifest, byte[] model, byte[] tokenizerJson, RuntimeOptions options,
            ModelFactory<T> factory) {
        return openWithTokenizer(manifest, model, model, tokenizerJson, options, factory);
    }

    /**
     * As above, running {@code graph} (a rewrite of {@code verifiedModel}) as {@link #openEncoder} serves it, while
     * the checksum that identifies the model stays the sha256 of the verified file.
     */
    public static <T extends OnnxModel> T openWithTokenizer(ModelManifest manifest, byte[] verifiedModel, byte[] graph,
            byte[] tokenizerJson, RuntimeOptions options, ModelFactory<T> factory) {
        TextTokenizer tokenizer = TextTokenizer.fromJson(tokenizerJson, manifest.id());
        OrtSession session = null;
        try {
            FusedLayerNorms.Opened<OrtSession> opened = openEncoder(graph, options, manifest.id());
            session = opened.model();
            T model = factory.create(ModelLocation.sha256(verifiedModel), session, tokenizer);
            model.fusedLayerNorms(opened.fused());
            return model;
        } catch (RuntimeException e) {
            tokenizer.close();
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * A session over a BERT-style encoder graph as Shears serves it: on the CPU with its residual layer norms fused,
     * once the fused graph has computed what the graph computes on a padded batch of two ({@link FusedLayerNorms}).
     * Tools that must see what the service sees (benchmarks, head training) open their graphs here too.
     */
    public static FusedLayerNorms.Opened<OrtSession> openEncoder(byte[] graph, RuntimeOptions options, String modelId) {
        return FusedLayerNorms.open(graph, options, modelId, g -> open(g, options, modelId), OnnxSessions::probeEncoder);
    }

    /** Every float output of a padded batch of two short sequences (any vocabulary has ids 1 and 2). */
    private static Map<String, float[]> probeEncoder(OrtSession session) {
        List<long[]> batch = List.of(new long[] {1, 2}, new long[] {1, 2, 2});
        try (EncoderInputs inputs = EncoderInputs.of(batch, 3, session.getInputNames());
                OrtSession.Result result = session.run(inputs.tensors())) {
            return FusedLayerNorms.floatOutputs(result);
        } catch (OrtException e) {
            throw new ModelLoadException("cannot run a batch of two: " + e.getMessage(), e);
        }
    }

    /** Closes a session (null is fine); closing only frees native memory, so a failure is ignored. */
    public static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // nothing to recover
            }
        }
    }

    private static OrtSession.SessionOptions sessionOptions(RuntimeOptions options, String modelId) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(options.intraOpThreads());
        so.setInterOpNumThreads(options.interOpThreads());
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(optLevel(options.optimization()));
        String spin = options.allowSpinning() ? "1" : "0";
        so.addConfigEntry("session.intra_op.allow_spinning", spin);
        so.addConfigEntry("session.inter_op.allow_spinning", spin);
        if (options.cuda()) {
            try {
                so.addCUDA();
                LOG.info("model '" + modelId + "': CUDA execution provider enabled");
            } catch (OrtException | UnsatisfiedLinkError | RuntimeException e) {
                LOG.warning("model '" + modelId + "': CUDA requested but unavailable (" + e.getMessage()
                        + "); running on CPU. The GPU build needs com.microsoft.onnxruntime:onnxruntime_gpu, CUDA 12 and cuDNN 9.");
            }
        }
        return so;
    }

    public static OptLevel optLevel(String name) {
        return switch (name == null ? "all" : name.toLowerCase(Locale.ROOT)) {
            case "none", "no" -> OptLevel.NO_OPT;
            case "basic" -> OptLevel.BASIC_OPT;
            case "extended" -> OptLevel.EXTENDED_OPT;
            case "all" -> OptLevel.ALL_OPT;
            default -> throw new ModelLoadException("unknown ONNX optimisation level '" + name + "' (none, basic, extended, all)");
        };
    }
}
