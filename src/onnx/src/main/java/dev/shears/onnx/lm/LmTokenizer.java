package dev.shears.onnx.lm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** DJL Hugging Face tokenizer without truncation, padding or automatic special tokens. */
final class LmTokenizer implements AutoCloseable {

    /** Token ids with UTF-16 character spans into the encoded text. */
    record Encoded(long[] ids, int[] starts, int[] ends) {
        int length() {
            return ids.length;
        }
    }

    private final HuggingFaceTokenizer tokenizer;

    LmTokenizer(Path tokenizerJson) throws IOException {
        this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false",
                        "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
    }

    Encoded encode(String text) {
        if (text.isEmpty()) {
            return new Encoded(new long[0], new int[0], new int[0]);
        }
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        int prevEnd = 0;
        for (int i = 0; i < ids.length; i++) {
            CharSpan s = spans == null || i >= spans.length ? null : spans[i];
            int start = s == null ? prevEnd : clamp(s.getStart(), text.length());
            int end = s == null ? prevEnd : clamp(s.getEnd(), text.length());
            starts[i] = start;
            ends[i] = Math.max(start, end);
            prevEnd = ends[i];
        }
        return new Encoded(ids, starts, ends);
    }

    String decode(long[] ids) {
        return ids.length == 0 ? "" : tokenizer.decode(ids, false);
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
