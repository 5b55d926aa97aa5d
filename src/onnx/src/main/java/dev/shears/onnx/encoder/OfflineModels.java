package dev.shears.onnx.encoder;

import dev.shears.onnx.encoder.EmbeddingCache;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.encoder.BiEncoderRelevanceModel;

/** Opens models the way the service does, for commands and tests that run without Quarkus. */
public final class OfflineModels {

    public static final String DEFAULT_MODEL = "classpath:models/bge-small-en-v1.5-q";

    private OfflineModels() {}

    /** As the service runs it on a CPU: one sequence per pass, single-threaded sessions, a pass per core at once. */
    public static EncoderModel encoder(String location) {
        return EncoderModel.load(ModelLocation.parse(location), RuntimeOptions.cpu(1), 1, 16384);
    }

    /** The default pruner over an encoder, with a 256 MiB embedding cache so threshold sweeps reuse inference. */
    public static ContextPruner pruner(EncoderModel encoder) {
        EmbeddingCache cache = new EmbeddingCache(256L << 20);
        return new ContextPruner(new DefaultSentenceSplitter(), BiEncoderRelevanceModel.fromManifest(encoder, cache));
    }
}
