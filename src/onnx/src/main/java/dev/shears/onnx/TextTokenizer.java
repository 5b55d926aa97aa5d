package dev.shears.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by DJL's binding of the Rust tokenizers crate, with a plain-Java
 * fast path for the ids of European-script text under BERT WordPiece ({@link BertWordPiece}). Shears controls
 * lengths itself, so the tokenizer never truncates or pads.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final BertWordPiece fastPath;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, BertWordPiece fastPath) {
        this.tokenizer = tokenizer;
        this.fastPath = fastPath;
    }

    public static TextTokenizer fromJson(byte[] tokenizerJson, String modelId) {
        return fromJson(tokenizerJson, modelId, true);
    }

    /** {@code fastPath} false: every text through the Rust tokenizer (the reference the fast path is tested against). */
    static TextTokenizer fromJson(byte[] tokenizerJson, String modelId, boolean fastPath) {
        Map<String, String> options = Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options),
                    fastPath ? BertWordPiece.of(tokenizerJson).orElse(null) : null);
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
     * Token ids of each text, without special tokens: by the fast path where it applies, the rest in one
     * native call.
     */
    public List<long[]> ids(List<String> texts) {
        long[][] out = new long[texts.size()][];
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = fastPath == null ? null : fastPath.ids(texts.get(i));
            if (out[i] == null) {
                rest.add(i);
            }
        }
        List<long[]> rustIds = nativeIds(rest.stream().map(texts::get).toList());
        for (int k = 0; k < rest.size(); k++) {
            out[rest.get(k)] = rustIds.get(k);
        }
        return Arrays.asList(out);
    }

    /**
     * Ids by the Rust tokenizer, in one native call (the Rust side spreads a batch over its own threads). Only
     * the ids cross JNI: DJL's {@code Encoding} would also copy tokens, masks and offsets of every text, which
     * costs more than the encoding itself.
     */
    private List<long[]> nativeIds(List<String> texts) {
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
