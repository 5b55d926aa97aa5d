package dev.shears.onnx.encoder;

import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.graph.RowwiseQuantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real embedded model, loaded the way the service loads it. */
class EncoderModelTest {

    static final String EMBEDDED = "classpath:models/bge-small-en-v1.5-q";
    static EncoderModel model;

    @BeforeAll
    static void load() {
        model = EncoderModel.load(ModelLocation.parse(EMBEDDED), RuntimeOptions.defaults(), 32, 16384);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void embeddings_are_normalised_and_rank_related_text_higher() {
        float[][] v = model.embedTexts(List.of("What is the capital of France?", "Paris is the capital of France.",
                "The mitochondria is the powerhouse of the cell."));
        assertEquals(384, v[0].length);
        assertEquals(1.0, dot(v[0], v[0]), 1e-4);
        assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]) + 0.1, "related sentence should be clearly closer");
    }

    @Test
    void special_tokens_wrap_joined_parts_as_one_sequence_and_truncate_them_together() {
        long[] prefix = java.util.stream.LongStream.range(1000, 1300).toArray();
        long[] content = java.util.stream.LongStream.range(2000, 2400).toArray();
        long[] joined = java.util.stream.LongStream.concat(java.util.Arrays.stream(prefix), java.util.Arrays.stream(content)).toArray();
        long[] wrapped = model.withSpecialTokens(prefix, content);
        assertArrayEquals(model.withSpecialTokens(joined), wrapped);
        assertEquals(model.maxLength(), wrapped.length);
        assertEquals(2000 + (model.maxLength() - 2 - 300) - 1, wrapped[wrapped.length - 2], "content cut at the limit");
        assertArrayEquals(model.withSpecialTokens(new long[] {5, 6, 7}), model.withSpecialTokens(new long[] {5}, new long[] {6, 7}));
    }

    @Test
    void the_same_batch_gives_bit_identical_vectors() {
        List<String> texts = List.of("short", "a much longer sentence with quite a few more tokens in it than the first", "mid length text");
        float[][] first = model.embedTexts(texts);
        float[][] second = model.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(first[i], second[i]);
        }
    }

    /**
     * The int8 graph is rewritten to quantize activations per token (see RowwiseQuantization), so batch-mates
     * and padding no longer move a vector.
     */
    @Test
    void batch_mates_and_padding_do_not_change_vectors() {
        List<String> texts = List.of("short", "a much longer sentence with quite a few more tokens in it than the first", "mid length text");
        float[][] batched = model.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = model.embedTexts(List.of(texts.get(i)))[0];
            assertArrayEquals(single, batched[i], 1e-6f, "text " + i);
        }
    }

    @Test
    void per_token_quantization_stays_close_to_the_published_per_batch_graph(@TempDir Path dir) throws IOException {
        copyEmbedded(dir, null);
        Path manifest = dir.resolve(ModelManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace("\"rowwise_quantization\": true", "\"rowwise_quantization\": false"));
        try (EncoderModel original = EncoderModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults(), 8, 4096)) {
            for (String text : List.of("What is the capital of France?", "Paris is the capital and largest city of France.")) {
                double cosine = dot(original.embedTexts(List.of(text))[0], model.embedTexts(List.of(text))[0]);
                assertTrue(cosine > 0.99, "cosine to the original graph " + cosine);
            }
        }
    }

    @Test
    void tokenizing_many_texts_at_once_equals_one_at_a_time() {
        List<String> texts = List.of("Paris is the capital of France.", "", "naïve café — 東京は日本の首都です。", "e.g. 3.14 https://x.io/a?b=c",
                "a".repeat(3000));
        List<long[]> batched = model.tokenize(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(model.tokenize(texts.get(i)), batched.get(i), "text " + i);
            assertEquals(model.tokenizer().encode(texts.get(i), false).size(), model.tokenizer().count(texts.get(i)));
        }
    }

    @Test
    void checksum_identifies_the_graph() {
        assertEquals(model.manifest().file(ModelManifest.MODEL).sha256(), model.checksum());
    }

    @Test
    void loads_the_same_model_from_a_directory(@TempDir Path dir) throws IOException {
        copyEmbedded(dir, null);
        try (EncoderModel fromDir = EncoderModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults(), 8, 4096)) {
            assertArrayEquals(model.embedTexts(List.of("same model"))[0], fromDir.embedTexts(List.of("same model"))[0], 1e-6f);
        }
    }

    @Test
    void refuses_a_file_whose_sha256_does_not_match(@TempDir Path dir) throws IOException {
        copyEmbedded(dir, "0".repeat(64));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> EncoderModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults(), 8, 4096));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
    }

    @Test
    void explains_a_missing_directory_and_unknown_settings() {
        assertThrows(ModelLoadException.class, () -> ModelLocation.parse("/no/such/dir"));
        assertThrows(ModelLoadException.class, () -> OnnxSessions.optLevel("turbo"));
    }

    /** Copies the embedded model into a directory; optionally replaces the model file's sha256 in its manifest. */
    static void copyEmbedded(Path dir, String modelSha) throws IOException {
        for (String name : List.of("bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json")) {
            try (InputStream in = EncoderModelTest.class.getClassLoader().getResourceAsStream(name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        String manifest;
        try (InputStream in = EncoderModelTest.class.getClassLoader().getResourceAsStream("models/bge-small-en-v1.5-q/manifest.json")) {
            manifest = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (modelSha != null) {
            manifest = manifest.replace(model.checksum(), modelSha);
        }
        Files.writeString(dir.resolve(ModelManifest.FILE_NAME), manifest);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
