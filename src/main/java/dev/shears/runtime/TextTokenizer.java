package dev.shears.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by DJL's binding of the Rust tokenizers crate. Shears controls
 * lengths itself, so the tokenizer never truncates or pads.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private TextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static TextTokenizer fromJson(byte[] tokenizerJson, String modelId) {
        Map<String, String> options = Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load tokenizer of model '" + modelId + "': " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw new ModelLoadException("the tokenizers native library failed to load: " + e.getMessage(), e);
        }
    }

    /** Token ids with character offsets into {@code text}; special tokens only when asked for. */
    public Tokens encode(String text, boolean withSpecialTokens) {
        Encoding encoding = tokenizer.encode(text, withSpecialTokens, false);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            CharSpan span = i < spans.length ? spans[i] : null;
            starts[i] = span == null ? -1 : span.getStart();
            ends[i] = span == null ? -1 : span.getEnd();
        }
        return new Tokens(ids, starts, ends);
    }

    /**
     * Token ids of each text, without special tokens, encoded in one native call (the Rust side spreads a batch
     * over its own threads). Only the ids cross JNI: DJL's {@code Encoding} would also copy tokens, masks and
     * offsets of every text, which costs more than the encoding itself.
     */
    public List<long[]> ids(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        long[] encodings = TokenizersLibrary.LIB.batchEncode(tokenizer.getHandle(), texts.toArray(String[]::new), false);
        List<long[]> out = new ArrayList<>(encodings.length);
        try {
            for (long encoding : encodings) {
                out.add(TokenizersLibrary.LIB.getTokenIds(encoding));
            }
        } finally {
            for (long encoding : encodings) {
                TokenizersLibrary.LIB.deleteEncoding(encoding);
            }
        }
        return out;
    }

    /** Number of tokens of {@code text} without special tokens. */
    public int count(String text) {
        return text.isEmpty() ? 0 : ids(List.of(text)).get(0).length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** Token ids and their character spans; a span of -1 marks a token with no source characters. */
    public record Tokens(long[] ids, int[] starts, int[] ends) {
        public int size() {
            return ids.length;
        }
    }
}
