package dev.shears.tools.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.tools.eval.EvaluateCommand;
import dev.shears.onnx.graph.DynamicQuantization;
import dev.shears.onnx.graph.EmbeddingQuantization;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import dev.shears.onnx.prune.LinearLayers;
import dev.shears.onnx.prune.Pruning;
import dev.shears.testing.TestGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneModelCommandTest {

    static final int VOCAB = 30522;
    static final int H = 8;

    @TempDir
    Path tmp;

    /**
     * A tiny encoder over the bge tokenizer: embedding → MatMul → Relu → MatMul = last_hidden_state, mean-pooled
     * (its [CLS] vector is all zeros after the Relu).
     */
    static Path tinyEncoder(Path dir) throws Exception {
        return tinyEncoder(dir, H);
    }

    /** {@link #tinyEncoder(Path)} {@code width} wide. */
    static Path tinyEncoder(Path dir, int width) throws Exception {
        final int H = width;
        OnnxGraphBuilder b = new OnnxGraphBuilder("tiny-encoder");
        b.input("input_ids", OnnxGraphBuilder.INT64, "batch", "seq");
        b.input("attention_mask", OnnxGraphBuilder.INT64, "batch", "seq");
        float[] emb = new float[VOCAB * H];
        for (int k = 0; k < emb.length; k++) {
            emb[k] = (float) Math.sin(k * 0.37);
        }
        float[] w1 = new float[H * H];
        float[] w2 = new float[H * H];
        for (int k = 0; k < w1.length; k++) {
            w1[k] = (float) Math.cos(k * 1.3) + 0.01f * k;
            w2[k] = (float) Math.sin(k * 0.7 + 1) - 0.005f * k;
        }
        String x = b.node("Gather").inputs(b.floatInitializer("emb", emb, VOCAB, H), "input_ids").attr("axis", 0L).output();
        String h = b.op("Relu", b.op("MatMul", x, b.floatInitializer("w1", w1, H, H)));
        b.node("MatMul").inputs(h, b.floatInitializer("w2", w2, H, H)).output("last_hidden_state");
        b.output("last_hidden_state", OnnxGraphBuilder.FLOAT, "batch", "seq", H);
        Files.createDirectories(dir);
        byte[] graph = b.toBytes();
        byte[] tok = TestGraphs.bgeTokenizer();
        Files.write(dir.resolve("tiny.onnx"), graph);
        Files.write(dir.resolve("tokenizer.json"), tok);
        Files.writeString(dir.resolve("manifest.json"), """
                {"id": "tiny", "task": "sentence-embedding",
                 "files": {"model": {"path": "tiny.onnx", "sha256": "%s"},
                           "tokenizer": {"path": "tokenizer.json", "sha256": "%s"}},
                 "inputs": ["input_ids", "attention_mask"], "outputs": ["last_hidden_state"],
                 "hidden_size": %d, "pooling": "mean", "normalize": true, "max_length": 32}
                """.formatted(ModelLocation.sha256(graph), ModelLocation.sha256(tok), H));
        return dir;
    }

    /** A WikiQA-format file with the given tab-separated rows. */
    static void wikiQa(Path file, String... rows) throws java.io.IOException {
        Files.writeString(file, "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\n"
                + String.join("\n", rows) + "\n");
    }

    /** Two labelled questions over five sentences. */
    static Path catsAndDogs(Path file) throws java.io.IOException {
        wikiQa(file, "Q1\twhere do cats sit?\tD1\tCats\tD1-0\tThe cat sat on the mat.\t1",
                "Q1\twhere do cats sit?\tD1\tCats\tD1-1\tDogs bark at night.\t0",
                "Q2\twhen do dogs bark?\tD2\tDogs\tD2-0\tDogs bark at night.\t1",
                "Q2\twhen do dogs bark?\tD2\tDogs\tD2-1\tThe moon is bright.\t0",
                "Q2\twhen do dogs bark?\tD2\tDogs\tD2-2\tCats sleep all day.\t0");
        return file;
    }

    @Test
    void writesAPinnedPrunedDirectoryThatLoadsWithExactSparsity() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"));
        Path data = tmp.resolve("calib.tsv");
        wikiQa(data, "Q1\twhat?\tD1\tT\tD1-0\tThe cat sat on the mat.\t1",
                "Q1\twhat?\tD1\tT\tD1-1\tDogs bark at night.\t0");
        Path out = tmp.resolve("out");
        PruneModelCommand.main(new String[] {src.toString(), out.toString(), "--method", "wanda", "--nm", "2:4",
                "--calibration", data.toString(), "--calibration-sentences", "2"});
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("tiny-wanda-2of4", m.path("id").asText());
        assertEquals("2:4", m.path("pruning").path("n_m").asText());
        assertEquals(2, m.path("pruning").path("calibration").path("sentences").asInt());
        assertEquals(64, m.path("pruning").path("pruned").asInt());
        assertEquals(0.5, m.path("pruning").path("achieved_sparsity").asDouble());
        assertEquals(ModelLocation.sha256(Files.readAllBytes(out.resolve("model.onnx"))),
                m.path("files").path("model").path("sha256").asText());
        ModelProto pruned = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
        var layers = LinearLayers.find(pruned.getGraph());
        assertEquals(2, layers.size());
        for (var init : pruned.getGraph().getInitializerList()) {
            if (init.getName().startsWith("w")) {
                float[] rows = layers.get(init.getName().equals("w1") ? 0 : 1).toRows(LinearLayers.floats(init));
                assertEquals(32, Pruning.zeros(rows));
                assertTrue(Pruning.followsNm(rows, H, 2, 4));
            }
        }
        try (EncoderModel e = OfflineModels.encoder(out.toString())) {
            assertEquals(H, e.embedTexts(List.of("loads"))[0].length);
        }

        Path mag = tmp.resolve("mag");
        PruneModelCommand.main(new String[] {src.toString(), mag.toString(), "--method", "magnitude", "--sparsity", "0.3"});
        JsonNode mm = new ObjectMapper().readTree(mag.resolve("manifest.json").toFile());
        assertEquals(2 * 19, mm.path("pruning").path("pruned").asInt()); // round(0.3 * 64) = 19 per layer
        assertTrue(mm.path("pruning").path("calibration").isMissingNode());
    }

    /**
     * {@code --quantize int8 --head-data}: the int8 directory keeps the 2:4 zeros exactly, carries a head fitted
     * for it, and loads through the service's loader ({@code shears.model.location} → {@link EncoderModel#load})
     * with batching on, i.e. rewritten to per-token quantization.
     */
    @Test
    void quantizesToInt8WithAFittedHeadAndServesLikeAnyModelDirectory() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"));
        Path data = catsAndDogs(tmp.resolve("train.tsv"));
        Path out = tmp.resolve("int8");
        PruneModelCommand.main(new String[] {src.toString(), out.toString(), "--method", "magnitude", "--nm", "2:4",
                "--quantize", "int8", "--head-data", data.toString()});
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("tiny-magnitude-2of4-int8", m.path("id").asText());
        assertTrue(m.path("rowwise_quantization").asBoolean());
        assertEquals(64, m.path("quantization").path("int8_zeros").asInt());
        assertEquals(0, m.path("quantization").path("rounded_to_zero").asInt());
        assertEquals(7, m.path("sentence_head").path("weights").size());
        assertTrue(m.path("sentence_head").path("training").path("command").asText().contains("--head-data"));
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
        assertTrue(LinearLayers.find(model.getGraph()).isEmpty(), "no float linear layer is left");
        for (var init : model.getGraph().getInitializerList()) {
            if (init.getName().equals(DynamicQuantization.quantizedName("w1")) || init.getName().equals(DynamicQuantization.quantizedName("w2"))) {
                byte[] q = init.getRawData().toByteArray();
                float[] asFloat = new float[q.length];
                for (int k = 0; k < q.length; k++) {
                    asFloat[k] = q[k];
                }
                float[] rows = new dev.shears.onnx.prune.LinearLayer("l", "x", init.getName(), H, H, false).toRows(asFloat);
                assertEquals(32, Pruning.zeros(rows));
                assertTrue(Pruning.followsNm(rows, H, 2, 4));
            }
        }
        List<String> texts = List.of("where do cats sit?", "The cat sat on the mat, and then it slept for a long time.");
        try (EncoderModel served = EncoderModel.load(ModelLocation.parse(out.toString()), RuntimeOptions.cpu(1), 8, 4096);
                EncoderModel single = OfflineModels.encoder(out.toString())) {
            float[][] batched = served.embedTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = single.embedTexts(List.of(texts.get(i)))[0];
                double cosine = 0;
                double norm = 0;
                for (int d = 0; d < H; d++) {
                    cosine += alone[d] * batched[i][d];
                    norm += alone[d] * alone[d];
                }
                assertEquals(1, norm, 1e-4, "a unit vector, not all zeros");
                assertTrue(cosine > 0.98, "per-token batched vs one per pass: " + cosine);
            }
        }
    }

    /**
     * {@code --embeddings int8}: the word table (here 30522 x 40, above {@link EmbeddingQuantization#MIN_VALUES}) is
     * stored as int8 rows with a scale each, the file shrinks by three quarters of the table, and the model embeds as the int8
     * model with an fp32 table does.
     */
    @Test
    void int8EmbeddingsShrinkTheFileAndKeepTheEmbeddings() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"), 40);
        Path fp32Table = tmp.resolve("fp32-table");
        Path int8Table = tmp.resolve("int8-table");
        PruneModelCommand.main(new String[] {src.toString(), fp32Table.toString(), "--method", "magnitude", "--sparsity", "0",
                "--quantize", "int8"});
        PruneModelCommand.main(new String[] {src.toString(), int8Table.toString(), "--method", "magnitude", "--sparsity", "0",
                "--quantize", "int8", "--embeddings", "int8"});
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(int8Table.resolve("model.onnx")));
        assertTrue(model.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("emb")), "fp32 table left");
        long table = 30522L * 40;
        long saved = Files.size(fp32Table.resolve("model.onnx")) - Files.size(int8Table.resolve("model.onnx"));
        // 3 of every 4 bytes of the table, less one fp32 scale per row (and a few names)
        assertTrue(saved > 3 * table - 4 * 30522 - 1000 && saved < 3 * table, "saved " + saved + " bytes of a " + 4 * table
                + "-byte table");
        JsonNode m = new ObjectMapper().readTree(int8Table.resolve("manifest.json").toFile());
        assertTrue(m.path("quantization").path("embeddings").asText().startsWith("word table int8"), m.toString());
        assertEquals("fp32", new ObjectMapper().readTree(fp32Table.resolve("manifest.json").toFile())
                .path("quantization").path("embeddings").asText());
        assertSameEmbeddings(fp32Table, int8Table);

        // an int8 directory as SRC: nothing to prune, only its table is stored as int8, its records carry over
        Path later = tmp.resolve("int8-table-later");
        PruneModelCommand.main(new String[] {fp32Table.toString(), later.toString(), "--method", "magnitude", "--sparsity",
                "0", "--quantize", "int8", "--embeddings", "int8"});
        assertEquals(Files.size(int8Table.resolve("model.onnx")), Files.size(later.resolve("model.onnx")));
        JsonNode l = new ObjectMapper().readTree(later.resolve("manifest.json").toFile());
        assertEquals("tiny-int8", l.path("id").asText());
        assertEquals(m.path("quantization").path("embeddings"), l.path("quantization").path("embeddings"));
        assertEquals(m.path("quantization").path("linear_layers"), l.path("quantization").path("linear_layers"));
        assertTrue(l.path("pruning").path("then").asText().contains("--embeddings int8"), l.toString());
        assertSameEmbeddings(int8Table, later);
    }

    private static void assertSameEmbeddings(Path a, Path b) throws Exception {
        List<String> texts = List.of("where do cats sit?", "The cat sat on the mat.");
        try (EncoderModel x = OfflineModels.encoder(a.toString()); EncoderModel y = OfflineModels.encoder(b.toString())) {
            float[][] u = x.embedTexts(texts);
            float[][] v = y.embedTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                double cosine = 0;
                for (int d = 0; d < u[i].length; d++) {
                    cosine += u[i][d] * v[i][d];
                }
                assertTrue(cosine > 0.99, a.getFileName() + " vs " + b.getFileName() + ": " + cosine);
            }
        }
    }

    /**
     * A prune-model directory as SRC keeps its record: pruning it again nests the source's block, and quantizing it
     * without pruning keeps the source's block as the model's, with the new command added.
     */
    @Test
    void aPrunedSourceKeepsItsPruningRecord() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"));
        Path half = tmp.resolve("half");
        PruneModelCommand.main(new String[] {src.toString(), half.toString(), "--method", "magnitude", "--sparsity", "0.5"});
        Path int8 = tmp.resolve("half-int8");
        PruneModelCommand.main(new String[] {half.toString(), int8.toString(), "--method", "magnitude", "--sparsity", "0",
                "--quantize", "int8"});
        Path more = tmp.resolve("three-quarters");
        PruneModelCommand.main(new String[] {half.toString(), more.toString(), "--method", "magnitude", "--sparsity", "0.75"});
        ObjectMapper json = new ObjectMapper();
        JsonNode quantized = json.readTree(int8.resolve("manifest.json").toFile()).path("pruning");
        assertEquals(0.5, quantized.path("sparsity").asDouble());
        assertEquals(64, quantized.path("pruned").asInt());
        assertTrue(quantized.path("then").asText().contains("--quantize int8"), quantized.toString());
        JsonNode again = json.readTree(more.resolve("manifest.json").toFile()).path("pruning");
        assertEquals(0.75, again.path("sparsity").asDouble());
        assertEquals(0.5, again.path("source_pruning").path("sparsity").asDouble());
        assertTrue(json.readTree(half.resolve("manifest.json").toFile()).path("pruning").path("source_pruning").isMissingNode());
    }

    /** {@code evaluate --reference}: a model does not drift from itself, and a pruned one does. */
    @Test
    void embeddingDriftIsOneAgainstItselfAndLowerAfterPruning() throws Exception {
        Path src = tinyEncoder(tmp.resolve("src"));
        Path data = catsAndDogs(tmp.resolve("dev.tsv"));
        Path pruned = tmp.resolve("pruned");
        PruneModelCommand.main(new String[] {src.toString(), pruned.toString(), "--method", "magnitude", "--sparsity", "0.5"});
        List<dev.shears.eval.WikiQa.Question> questions = dev.shears.eval.WikiQa.read(data);
        try (EncoderModel e = OfflineModels.encoder(src.toString()); EncoderModel p = OfflineModels.encoder(pruned.toString())) {
            EvaluateCommand.Drift self = EvaluateCommand.drift(e, src.toString(), questions);
            assertEquals(5, self.sentences());
            assertEquals(1, self.min(), 1e-6);
            EvaluateCommand.Drift after = EvaluateCommand.drift(p, src.toString(), questions);
            assertTrue(after.mean() < 0.999, "pruning half the weights moves the embeddings: " + after);
            assertTrue(after.min() <= after.p5() && after.p5() <= after.mean());
        }
    }
}
